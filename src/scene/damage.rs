//! What a new picture changes on a canvas that shows an old one: the areas to clear and paint
//! again, so a configuration change repaints the edges it touches rather than the whole
//! diagram.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::frame::Shape;
use super::geom::Rect;

/// Above this many canvases' worth of areas (overlaps counted twice), painting everything
/// again costs less than clipping.
const MOST: f64 = 2.0;

/// The areas (CSS pixels) where the picture `after` differs from `before`: the bounds of each
/// shape that one of them has and the other has not (counting repeats), in no particular
/// order. Clearing these areas and painting every shape of `after` that reaches into them,
/// clipped to them, turns the old picture into the new one (up to a shade on a few
/// anti-aliased edge pixels, which a canvas rounds differently under a clip). Shapes both have may change order
/// between them only where they do not overlap (as `diagram` keeps them).
///
/// `None` when the areas add up to more than twice a `width` × `height` canvas: then a full
/// repaint is cheaper.
pub fn damage(before: &[Shape], after: &[Shape], width: f64, height: f64) -> Option<Vec<Rect>> {
    let mut unmatched: HashMap<u64, Vec<&Shape>> = HashMap::with_capacity(before.len());
    for shape in before {
        unmatched.entry(fingerprint(shape)).or_default().push(shape);
    }
    let mut areas = Vec::new();
    for shape in after {
        let same = unmatched.get_mut(&fingerprint(shape)).and_then(|bucket| {
            let at = bucket.iter().position(|s| *s == shape)?;
            Some(bucket.swap_remove(at))
        });
        if same.is_none() {
            areas.push(shape.bounds());
        }
    }
    areas.extend(unmatched.values().flatten().map(|s| s.bounds()));
    let covered: f64 = areas.iter().map(|r| r.w * r.h).sum();
    (covered <= MOST * width * height).then_some(areas)
}

/// A hash of where a shape is and what kind it is; equal shapes hash equally, and shapes that
/// differ only in colour or text share a bucket, where `==` tells them apart.
fn fingerprint(shape: &Shape) -> u64 {
    let mut hasher = DefaultHasher::new();
    std::mem::discriminant(shape).hash(&mut hasher);
    let r = shape.bounds();
    for v in [r.x, r.y, r.w, r.h] {
        v.to_bits().hash(&mut hasher);
    }
    hasher.finish()
}
