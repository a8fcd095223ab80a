//! Plane geometry for the diagram: points, rectangles and polylines.
//!
//! Units are CSS pixels; the origin is the top-left corner and y grows downwards.

/// A point in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub const fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    pub fn distance(self, other: Point) -> f64 {
        (self.x - other.x).hypot(self.y - other.y)
    }

    /// The point a fraction `t` of the way from `self` to `other`.
    pub fn lerp(self, other: Point, t: f64) -> Point {
        Point::new(self.x + (other.x - self.x) * t, self.y + (other.y - self.y) * t)
    }
}

/// An axis-aligned rectangle: top-left corner, width and height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub const fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    /// A rectangle of size `w` × `h` centred on `c`.
    pub fn centered(c: Point, w: f64, h: f64) -> Rect {
        Rect::new(c.x - w / 2.0, c.y - h / 2.0, w, h)
    }

    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    pub fn center(&self) -> Point {
        Point::new(self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    pub fn contains(&self, p: Point) -> bool {
        self.x <= p.x && p.x <= self.right() && self.y <= p.y && p.y <= self.bottom()
    }

    /// Whether the interiors overlap (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right() && other.x < self.right() && self.y < other.bottom() && other.y < self.bottom()
    }

    /// Whether `other` lies entirely inside `self`.
    pub fn encloses(&self, other: &Rect) -> bool {
        self.x <= other.x && self.y <= other.y && other.right() <= self.right() && other.bottom() <= self.bottom()
    }

    /// The rectangle grown by `d` on every side.
    pub fn inflate(&self, d: f64) -> Rect {
        Rect::new(self.x - d, self.y - d, self.w + 2.0 * d, self.h + 2.0 * d)
    }

    /// The smallest rectangle holding both.
    pub fn union(&self, other: &Rect) -> Rect {
        let (x, y) = (self.x.min(other.x), self.y.min(other.y));
        Rect::new(x, y, self.right().max(other.right()) - x, self.bottom().max(other.bottom()) - y)
    }
}

/// Rectangles bucketed on a grid of square cells, so asking whether anything overlaps a
/// rectangle looks only at its neighbours: label placement asks this thousands of times per
/// edge on large diagrams.
#[derive(Clone, Debug)]
pub struct RectIndex {
    cell: f64,
    cols: usize,
    rows: usize,
    buckets: Vec<Vec<Rect>>,
}

impl RectIndex {
    /// An empty index over `0..width` × `0..height`; rectangles beyond it go to the edge cells.
    pub fn new(width: f64, height: f64, cell: f64) -> RectIndex {
        let cell = cell.max(1.0);
        let count = |extent: f64| ((extent.max(0.0) / cell).ceil() as usize).clamp(1, 4096);
        let (cols, rows) = (count(width), count(height));
        RectIndex { cell, cols, rows, buckets: vec![Vec::new(); cols * rows] }
    }

    /// The cells `r` touches, as column and row ranges.
    fn cells(&self, r: &Rect) -> (std::ops::RangeInclusive<usize>, std::ops::RangeInclusive<usize>) {
        let at = |v: f64, n: usize| {
            if v.is_nan() { 0 } else { ((v / self.cell).floor().max(0.0) as usize).min(n - 1) }
        };
        (at(r.x, self.cols)..=at(r.right(), self.cols), at(r.y, self.rows)..=at(r.bottom(), self.rows))
    }

    pub fn insert(&mut self, r: Rect) {
        let (cols, rows) = self.cells(&r);
        for row in rows {
            for col in cols.clone() {
                self.buckets[row * self.cols + col].push(r);
            }
        }
    }

    /// Whether any rectangle, grown by `margin`, overlaps `r`.
    pub fn any_overlap(&self, r: &Rect, margin: f64) -> bool {
        let (cols, rows) = self.cells(&r.inflate(margin));
        rows.into_iter().any(|row| {
            cols.clone().any(|col| self.buckets[row * self.cols + col].iter().any(|t| t.inflate(margin).overlaps(r)))
        })
    }
}

/// The total length of a polyline.
pub fn length(points: &[Point]) -> f64 {
    points.windows(2).map(|w| w[0].distance(w[1])).sum()
}

/// The point at distance `d` along a polyline, clamped to its ends.
pub fn point_along(points: &[Point], d: f64) -> Point {
    let mut left = d.max(0.0);
    for w in points.windows(2) {
        let seg = w[0].distance(w[1]);
        if left <= seg {
            return if seg == 0.0 { w[0] } else { w[0].lerp(w[1], left / seg) };
        }
        left -= seg;
    }
    points.last().copied().unwrap_or(Point::new(0.0, 0.0))
}

/// The shortest distance from `p` to a polyline.
pub fn distance_to(points: &[Point], p: Point) -> f64 {
    points.windows(2).map(|w| distance_to_segment(w[0], w[1], p)).fold(f64::INFINITY, f64::min)
}

fn distance_to_segment(a: Point, b: Point, p: Point) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return a.distance(p);
    }
    let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0);
    a.lerp(b, t).distance(p)
}

/// An estimate of how wide `text` is in a sans-serif font of `size` pixels. Used for wrapping
/// and for keeping labels apart; it errs on the wide side so real text fits.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | '|' | '!' | '\'' | ' ' | 'I' | 'f' | 't' | 'r' => 0.34,
            'm' | 'w' | 'M' | 'W' => 0.9,
            c if c.is_ascii_uppercase() || c.is_ascii_digit() => 0.66,
            _ => 0.56,
        })
        .sum::<f64>()
        * size
}

/// Splits `text` into at most `max_lines` lines no wider than `width`; the last line ends in
/// an ellipsis when the text does not fit.
pub fn wrap(text: &str, size: f64, width: f64, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        if text_width(&candidate, size) <= width || current.is_empty() {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    for line in &mut lines {
        while text_width(line, size) > width && line.chars().count() > 1 {
            let keep: String = line.chars().take(line.chars().count().saturating_sub(2)).collect();
            *line = format!("{}…", keep.trim_end_matches('…'));
        }
    }
    lines
}
