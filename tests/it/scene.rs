//! Scene invariants on every scenario, in every combination of its keys, at a narrow and a wide
//! width: nodes apart and inside the canvas, edges from node side to node side through gutters
//! only, labels inside the canvas, packets on their hops, hit testing finding what is drawn.

use std::rc::Rc;

use vnet_flows::config::Config;
use vnet_flows::model::{KeyId, NodeId};
use vnet_flows::paint::{self, paint};
use vnet_flows::resolve::resolve;
use vnet_flows::scene::geom::{Point, Rect, distance_to, text_width};
use vnet_flows::scene::{
    Anchor, Emphasis, Hit, Layout, Shape, Traffic, damage, diagram, edge_label_rect, highlight, hit, layout,
    packet_position,
};

use crate::catalog;

const WIDTHS: [f64; 2] = [320.0, 1280.0];

fn on_border(r: &Rect, p: Point) -> bool {
    let near = |a: f64, b: f64| (a - b).abs() < 1e-6;
    (near(p.x, r.x) || near(p.x, r.right())) && r.y <= p.y && p.y <= r.bottom()
}

/// Whether an axis-aligned segment passes through the inside of `r`.
fn crosses(a: Point, b: Point, r: &Rect) -> bool {
    let inner = r.inflate(-0.5);
    let (x0, x1) = (a.x.min(b.x), a.x.max(b.x));
    let (y0, y1) = (a.y.min(b.y), a.y.max(b.y));
    x0 < inner.right() && inner.x < x1.max(x0 + 1e-9) && y0 < inner.bottom() && inner.y < y1.max(y0 + 1e-9)
}

fn check_layout(name: &str, l: &Layout) {
    let canvas = Rect::new(0.0, 0.0, l.width, l.height);
    for (i, a) in l.nodes.iter().enumerate() {
        assert!(canvas.encloses(&a.rect), "{name}: node {i} leaves the canvas");
        for b in &l.nodes[i + 1..] {
            assert!(!a.rect.overlaps(&b.rect), "{name}: nodes {:?} and {:?} overlap", a.node, b.node);
        }
    }
    for z in &l.zones {
        assert!(canvas.encloses(&z.rect), "{name}: zone {:?} leaves the canvas", z.zone);
    }
    for (e, edge) in l.edges.iter().enumerate() {
        let (from, to) = (&l.nodes[edge.from].rect, &l.nodes[edge.to].rect);
        let (first, last) = (edge.path[0], *edge.path.last().unwrap());
        assert!(on_border(from, first), "{name}: edge {e} does not start on its node");
        assert!(on_border(to, last), "{name}: edge {e} does not end on its node");
        for w in edge.path.windows(2) {
            assert!(w[0].x == w[1].x || w[0].y == w[1].y, "{name}: edge {e} has a slanted segment");
            for (n, node) in l.nodes.iter().enumerate() {
                assert!(!crosses(w[0], w[1], &node.rect), "{name}: edge {e} crosses node {n}");
            }
        }
        for p in &edge.path {
            assert!(canvas.contains(*p), "{name}: edge {e} leaves the canvas");
        }
    }
}

fn check_shapes(name: &str, l: &Layout, shapes: &[Shape]) {
    let canvas = Rect::new(0.0, 0.0, l.width, l.height);
    for shape in shapes {
        if let Shape::Text { at, text, size, anchor, .. } = shape {
            let w = text_width(text, *size);
            let x = if *anchor == Anchor::Middle { at.x - w / 2.0 } else { at.x };
            let bounds = Rect::new(x, at.y - size / 2.0, w, *size);
            assert!(canvas.encloses(&bounds), "{name}: label {text:?} at {at:?} leaves the {}px canvas", l.width);
        }
    }
}

#[test]
fn every_scenario_in_every_configuration_at_two_widths() {
    let catalog = catalog();
    let mut configurations = 0;
    for id in catalog.scenario_ids() {
        let scenario = &catalog.scenarios[id];
        for width in WIDTHS {
            let l = layout(&catalog, id, width);
            let name = format!("{} at {width}px", scenario.id);
            assert_eq!(l.width, width, "{name}");
            assert_eq!(l.stacked, width < 560.0, "{name}: stacking");
            check_layout(&name, &l);
            for config in Config::combinations(&catalog, scenario) {
                configurations += 1;
                let r = resolve(&catalog, id, &config);
                let traffic = Traffic::new(&l, &r);
                let name = format!("{name} with {}", config.summary(&catalog, scenario));
                // Every hop of every flow has its edge: the layout covers every configuration.
                for (step, flow) in r.flows.iter().enumerate() {
                    assert_eq!(traffic.flows[step].len(), flow.hops.len(), "{name}: step {step} lost a hop");
                }
                let emphasis = Emphasis { flow: Some(0), ..Emphasis::default() };
                check_shapes(&name, &l, &diagram(&l, &traffic, &traffic, 1.0, &emphasis));
                for (step, edges) in traffic.flows.iter().enumerate() {
                    for i in 0..=8 {
                        let t = i as f64 / 8.0;
                        let (p, e) = packet_position(&l, &traffic, step, t).expect("a packet");
                        assert!(edges.contains(&e), "{name}: step {step} packet on a foreign edge");
                        assert!(distance_to(&l.edges[e].path, p) < 1e-6, "{name}: step {step} packet off its hop");
                    }
                }
                for (slot, node) in l.nodes.iter().enumerate() {
                    assert_eq!(hit(&l, &traffic, node.rect.center()), Some(Hit::Node(slot)), "{name}");
                }
                for (e, used) in traffic.edges.iter().enumerate() {
                    let Some(used) = used else { continue };
                    let label = edge_label_rect(&l, e, &used.label);
                    let shared = traffic.edges.iter().enumerate().any(|(o, u)| {
                        o != e && u.as_ref().is_some_and(|u| edge_label_rect(&l, o, &u.label).overlaps(&label))
                    });
                    if !shared && !l.nodes.iter().any(|n| n.rect.overlaps(&label)) {
                        assert_eq!(hit(&l, &traffic, label.center()), Some(Hit::Edge(e)), "{name}: label of edge {e}");
                    }
                    // A point on the line, away from labels and nodes, finds this edge or one it touches.
                    let found = (1..40).map(|i| i as f64 / 40.0).find_map(|t| {
                        let p = vnet_flows::scene::geom::point_along(
                            &l.edges[e].path,
                            t * vnet_flows::scene::geom::length(&l.edges[e].path),
                        );
                        matches!(hit(&l, &traffic, p), Some(Hit::Edge(x)) if x == e).then_some(p)
                    });
                    assert!(found.is_some(), "{name}: edge {e} cannot be pointed at anywhere");
                }
                assert_eq!(hit(&l, &traffic, Point::new(-5.0, -5.0)), None);
            }
        }
    }
    assert!(configurations > 4000, "only {configurations} configurations were drawn");
}

/// At laptop width there is room for every label; narrow layouts may stack labels on each other
/// (the step list and the tooltips still give every port), but never on a node.
#[test]
fn edge_labels_do_not_overlap_in_default_configurations() {
    let catalog = catalog();
    for id in catalog.scenario_ids() {
        let scenario = &catalog.scenarios[id];
        for width in WIDTHS {
            let wide = width >= 1000.0;
            let l = layout(&catalog, id, width);
            let r = resolve(&catalog, id, &Config::defaults(&catalog, scenario));
            let t = Traffic::new(&l, &r);
            let rects: Vec<Rect> = t
                .edges
                .iter()
                .enumerate()
                .filter_map(|(e, u)| u.as_ref().map(|u| edge_label_rect(&l, e, &u.label)))
                .collect();
            for (i, a) in rects.iter().enumerate() {
                for b in rects[i + 1..].iter().filter(|_| wide) {
                    assert!(!a.overlaps(b), "{} at {width}px: edge labels overlap at {a:?} and {b:?}", scenario.id);
                }
                for n in &l.nodes {
                    assert!(
                        !a.overlaps(&n.rect),
                        "{} at {width}px: an edge label at {a:?} covers {:?}",
                        scenario.id,
                        n.rect
                    );
                }
            }
        }
    }
}

/// Paints each scenario to SVG through the same code the canvas uses, and keeps the files under
/// `target/scenes/` for a person to look at.
#[test]
fn scenes_paint_to_svg() {
    let catalog = catalog();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/scenes");
    std::fs::create_dir_all(&dir).unwrap();
    for id in catalog.scenario_ids() {
        let scenario = &catalog.scenarios[id];
        for width in WIDTHS {
            let l = layout(&catalog, id, width);
            let r = resolve(&catalog, id, &Config::defaults(&catalog, scenario));
            let t = Traffic::new(&l, &r);
            let shapes = diagram(&l, &t, &t, 1.0, &Emphasis { flow: Some(0), ..Emphasis::default() });
            let mut svg = String::new();
            {
                use plotters::prelude::*;
                let backend = SVGBackend::with_string(&mut svg, (l.width as u32, l.height.ceil() as u32));
                let area = backend.into_drawing_area();
                paint(&area, &shapes, &paint::Palette::LIGHT, 1.0).unwrap();
                area.present().unwrap();
            }
            assert!(svg.contains("<svg") && svg.matches("<text").count() >= l.nodes.len(), "{}", scenario.id);
            std::fs::write(dir.join(format!("{}-{width}.svg", scenario.id)), svg).unwrap();
        }
    }
}

/// A small data file, and a scenario with no traffic at all, lay out without NaNs or panics.
#[test]
fn small_and_empty_scenarios_lay_out() {
    let text = format!(
        "{}\n[[scenarios]]\nid = \"empty\"\ntitle = \"Empty\"\nsummary = \"Nothing flows.\"\nkeys = []\n",
        include_str!("fixtures/minimal.toml")
    );
    let catalog = std::rc::Rc::new(vnet_flows::data::load(&text).unwrap_or_else(|e| panic!("{e:?}")));
    for id in catalog.scenario_ids() {
        let scenario = &catalog.scenarios[id];
        for width in [0.0, 320.0, 1280.0] {
            let l = layout(&catalog, id, width);
            assert!(l.width.is_finite() && l.height.is_finite() && l.height >= 0.0, "{} at {width}", scenario.id);
            check_layout(&scenario.id, &l);
            let r = resolve(&catalog, id, &Config::defaults(&catalog, scenario));
            let t = Traffic::new(&l, &r);
            check_shapes(&scenario.id, &l, &diagram(&l, &t, &t, 1.0, &Emphasis::default()));
            assert_eq!(packet_position(&l, &t, 0, 0.5).is_some(), !r.flows.is_empty());
            assert!(hit(&l, &t, Point::new(10.0, 10.0)).is_none());
        }
    }
}

/// A key change fades flows: halfway through, an edge that appears is drawn half transparent,
/// and nodes do not move (the layout is the same for both configurations).
#[test]
fn a_change_fades_edges_in_and_out() {
    let catalog = catalog();
    let id = catalog.scenario_id("compute").unwrap();
    let scenario = &catalog.scenarios[id];
    let l = layout(&catalog, id, 1280.0);
    let at = |settings: &[&str]| {
        let config = Config::with_settings(&catalog, scenario, settings.iter().copied()).unwrap();
        Traffic::new(&l, &resolve(&catalog, id, &config))
    };
    let (before, after) = (at(&["compute_public_ip=off"]), at(&["compute_public_ip=on"]));
    let appearing: Vec<usize> =
        (0..l.edges.len()).filter(|&e| before.edges[e].is_none() && after.edges[e].is_some()).collect();
    assert!(!appearing.is_empty(), "a public IP adds inbound traffic");
    let alpha_of = |shapes: &[Shape], e: usize| {
        shapes.iter().find_map(|s| match s {
            Shape::Path { points, stroke } if *points == l.edges[e].path => Some(stroke.paint.alpha),
            _ => None,
        })
    };
    let none = Emphasis::default();
    for &e in &appearing {
        assert_eq!(alpha_of(&diagram(&l, &before, &after, 0.0, &none), e), None, "not drawn before the fade");
        let half = alpha_of(&diagram(&l, &before, &after, 0.5, &none), e).expect("drawn halfway");
        assert!((half - 0.5).abs() < 1e-9, "half transparent halfway, got {half}");
        assert_eq!(alpha_of(&diagram(&l, &before, &after, 1.0, &none), e), Some(1.0));
    }
}

/// The widget resolves its theme's colours through the browser, which reports them as `rgb()`;
/// anything unreadable falls back to the light theme.
#[test]
fn palette_colours_parse_as_browsers_report_them() {
    use vnet_flows::paint::Palette;
    use vnet_flows::theme::{palette, parse_colour};
    assert_eq!(parse_colour("#0b5cad"), Some((11, 92, 173)));
    assert_eq!(parse_colour(" #fff "), Some((255, 255, 255)));
    assert_eq!(parse_colour("rgb(26, 235, 255)"), Some((26, 235, 255)));
    assert_eq!(parse_colour("rgba(0, 0, 0, 0.5)"), Some((0, 0, 0)));
    assert_eq!(parse_colour("rgb(1 2 3 / 50%)"), Some((1, 2, 3)));
    for bad in ["", "CanvasText", "rgb(300, 0, 0)", "rgb(1, 2)", "#12", "rgb(a, b, c)"] {
        assert_eq!(parse_colour(bad), None, "{bad}");
    }
    let read = palette(|name| (name == "--vf-bg").then(|| "rgb(0, 0, 0)".to_string()));
    assert_eq!(read.background, (0, 0, 0));
    assert_eq!(read.text, Palette::LIGHT.text);
    assert_eq!(palette(|_| None), Palette::LIGHT);
}

/// The stylesheet's light theme and the palette exports are drawn in are the same colours, so a
/// Markdown or SVG export looks like the widget.
#[test]
fn the_light_palette_is_the_stylesheets() {
    use vnet_flows::paint::Palette;
    use vnet_flows::theme::{PROPERTIES, palette, parse_colour};
    let css = include_str!("../../www/vnet-flows.css");
    let root = &css[css.find(".vf-root {").expect("the .vf-root rule")..];
    let root = &root[..root.find('}').expect("its end")];
    let value = |name: &str| {
        let at = root.find(&format!("{name}:")).unwrap_or_else(|| panic!("{name} is not set in .vf-root"));
        let rest = &root[at + name.len() + 1..];
        rest[..rest.find(';').expect("a ;")].trim().to_string()
    };
    for (name, _) in PROPERTIES {
        assert!(parse_colour(&value(name)).is_some(), "{name}: {}", value(name));
    }
    assert_eq!(palette(|name| Some(value(name))), Palette::LIGHT);
}

/// The packet's canvas is sized from its shapes' bounds: every shape lies inside its own
/// bounds, so none is cut off.
#[test]
fn packet_bounds_cover_what_is_drawn() {
    let catalog = catalog();
    for id in catalog.scenario_ids() {
        let scenario = &catalog.scenarios[id];
        let l = layout(&catalog, id, 1280.0);
        let r = resolve(&catalog, id, &Config::defaults(&catalog, scenario));
        let t = Traffic::new(&l, &r);
        for step in 0..t.flows.len() {
            for progress in [0.0, 0.33, 0.9] {
                let (at, kind) = vnet_flows::scene::packet_at(&l, &t, step, progress).expect("a packet");
                for shape in vnet_flows::scene::packet_badge(step + 1, kind, at) {
                    let b = shape.bounds();
                    assert!(b.w > 0.0 && b.h > 0.0, "{}: {shape:?}", scenario.id);
                    match &shape {
                        Shape::Circle { center, radius, .. } => {
                            for p in [Point::new(center.x - radius, center.y), Point::new(center.x + radius, center.y)]
                            {
                                assert!(b.contains(p), "{}: {shape:?} not in {b:?}", scenario.id);
                            }
                        }
                        Shape::Text { at, .. } => assert!(b.contains(*at), "{}: {shape:?}", scenario.id),
                        Shape::Path { points, .. } | Shape::Polygon { points, .. } => {
                            assert!(points.iter().all(|p| b.contains(*p)), "{}: {shape:?}", scenario.id)
                        }
                        Shape::Rect { rect, .. } => assert!(b.encloses(rect), "{}: {shape:?}", scenario.id),
                    }
                }
            }
        }
    }
}

/// The step highlight drawn over the static layer covers exactly the step's edges: one thick
/// path, arrowhead, label and number per hop, all inside the canvas.
#[test]
fn the_step_highlight_is_the_steps_edges() {
    let catalog = catalog();
    for id in catalog.scenario_ids() {
        let scenario = &catalog.scenarios[id];
        for width in [360.0, 1280.0] {
            let l = layout(&catalog, id, width);
            let r = resolve(&catalog, id, &Config::defaults(&catalog, scenario));
            let t = Traffic::new(&l, &r);
            for (step, edges) in t.flows.iter().enumerate() {
                let shapes = vnet_flows::scene::highlight(&l, &t, step);
                let paths: Vec<&Vec<Point>> = shapes
                    .iter()
                    .filter_map(|s| match s {
                        Shape::Path { points, stroke } if stroke.width == 3.0 => Some(points),
                        _ => None,
                    })
                    .collect();
                assert_eq!(paths.len(), edges.len(), "{} step {step}", scenario.id);
                for (path, &e) in paths.iter().zip(edges) {
                    assert_eq!(**path, l.edges[e].path, "{} step {step}", scenario.id);
                }
                let canvas = Rect::new(-1.0, -1.0, l.width + 2.0, l.height + 2.0);
                // Lines, boxes and numbers stay on the canvas (text bounds are estimates, with room).
                for shape in shapes.iter().filter(|s| !matches!(s, Shape::Text { .. })) {
                    assert!(canvas.encloses(&shape.bounds().inflate(-4.0)), "{} step {step}: {shape:?}", scenario.id);
                }
            }
            assert!(vnet_flows::scene::highlight(&l, &t, t.flows.len()).is_empty());
        }
    }
}

#[test]
fn tall_diagrams_paint_the_bands_on_screen_first_and_every_band_once() {
    use vnet_flows::scene::{BAND_HEIGHT, bands};
    // On screen: 1000 to 1900 of a diagram 7006 tall.
    let (now, later) = bands(7006.0, (1000.0, 1900.0));
    assert_eq!(now, vec![(600.0, 1200.0), (1200.0, 1800.0), (1800.0, 2400.0)]);
    // Nearest first: the band above, then the one below, then further away.
    assert_eq!(&later[..3], &[(0.0, 600.0), (2400.0, 3000.0), (3000.0, 3600.0)]);
    let mut all = [now, later].concat();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Every band once, edge to edge, to the bottom.
    assert_eq!(all.len(), (7006.0 / BAND_HEIGHT).ceil() as usize);
    assert!(all.windows(2).all(|w| w[0].1 == w[1].0));
    assert_eq!((all[0].0, all.last().unwrap().1), (0.0, 7006.0));
    // Scrolled past it: the nearest band comes at once, the rest after.
    let (now, later) = bands(1300.0, (5000.0, 5900.0));
    assert_eq!(now, vec![(1200.0, 1300.0)]);
    assert_eq!(later, vec![(600.0, 1200.0), (0.0, 600.0)]);
}

#[test]
fn the_layout_memo_keeps_one_layout_per_scenario_and_width() {
    use vnet_flows::scene::Layouts;
    let catalog = catalog();
    let (compute, aks) = (catalog.scenario_id("compute").unwrap(), catalog.scenario_id("aks").unwrap());
    let mut layouts = Layouts::default();
    let unmeasured = layouts.get(&catalog, compute, 0.0);
    assert!(unmeasured.nodes.is_empty(), "no width, nothing laid out");
    let wide = layouts.get(&catalog, compute, 960.0);
    assert!(Rc::ptr_eq(&wide, &layouts.get(&catalog, compute, 960.0)), "asked again, the same layout");
    assert_eq!(*wide, layout(&catalog, compute, 960.0), "the memo lays out as `layout` does");
    let narrow = layouts.get(&catalog, compute, 360.0);
    assert_eq!(*narrow, layout(&catalog, compute, 360.0));
    assert_eq!(*layouts.get(&catalog, aks, 960.0), layout(&catalog, aks, 960.0));
    assert_eq!(*layouts.get(&catalog, compute, 960.0), *wide, "back to the first: the same layout again");
}

/// A scenario too large to sweep whole (4,096 × the shipped compute keys) still lays out every
/// edge it can show, including one that appears only when two keys change together, and every
/// hop of every flow finds its edge.
#[test]
fn large_scenarios_lay_out_edges_that_need_two_keys_at_once() {
    let shipped = include_str!("../../data/aml.toml");
    let names: Vec<String> = (1..=12).map(|i| format!("x{i}")).collect();
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let line = "keys = [\"workspace_pe\", \"compute_public_ip\", \"egress\",";
    assert!(shipped.contains(line), "the compute scenario's keys line moved");
    let mut text = shipped.replacen(
        line,
        &format!("keys = [{}, \"workspace_pe\", \"compute_public_ip\", \"egress\",", quoted.join(", ")),
        1,
    );
    for name in &names {
        text += &format!(
            "\n[[keys]]\nid = \"{name}\"\nlabel = \"Test key {name}\"\nexplain = \"A key for the test.\"\nvalues = [\"a\", \"b\"]\nlabels = [\"A\", \"B\"]\ndefault = \"a\"\n"
        );
    }
    text += "\n[[flows]]\nid = \"test-pair\"\nscenarios = [\"compute\"]\npurpose = \"Only when two test keys change together.\"\nwhen = \"x1=b & x2=b\"\nhops = [\n  { from = \"jump-box\", to = \"batch\", protocol = \"TCP\", port = \"1234\" },\n]\n";
    let catalog = Rc::new(vnet_flows::data::load(&text).unwrap_or_else(|e| panic!("{e:?}")));
    let id = catalog.scenario_ids().find(|&id| catalog.scenarios[id].id == "compute").expect("compute");
    let scenario = &catalog.scenarios[id];
    let node = |name: &str| NodeId(catalog.nodes.iter().position(|n| n.id == name).expect(name));
    for width in WIDTHS {
        let l = layout(&catalog, id, width);
        check_layout("large compute", &l);
        let (from, to) = (l.node_slot(node("jump-box")), l.node_slot(node("batch")));
        let (from, to) = (from.expect("the jump box is laid out"), to.expect("batch is laid out"));
        assert!(l.edges.iter().any(|e| (e.from, e.to) == (from, to)), "the two-key edge is missing at {width}");
        let key = |name: &str| KeyId(catalog.keys.iter().position(|k| k.id == name).expect(name));
        let keys = ["x1", "x2", "x3", "egress", "compute_public_ip", "workspace_pe"].map(key);
        let configs = Config::combinations_over(&catalog, scenario, &keys);
        assert!(configs.len() >= 96, "only {} configurations", configs.len());
        for config in configs {
            let r = resolve(&catalog, id, &config);
            let name = config.summary(&catalog, scenario);
            let traffic = Traffic::new(&l, &r);
            for (i, flow) in r.flows.iter().enumerate() {
                assert_eq!(traffic.flows[i].len(), flow.hops.len(), "{name}: flow {i} lost a hop");
            }
        }
    }
}

/// A check's marks: the blocked hop's edge turns blocked (✕ in its label), the unresolved one
/// unresolved (? and dashed), the packet of the blocked flow halts halfway along that hop, and
/// the picture paints (kept in `target/scenes/compute-checked.svg`).
#[test]
fn a_checks_marks_colour_their_edges_and_stop_the_packet() {
    use vnet_flows::scene::{Dash, Ink, Mark, Marks};
    let catalog = catalog();
    let id = catalog.scenario_ids().find(|&s| catalog.scenarios[s].id == "compute").unwrap();
    let r = resolve(&catalog, id, &Config::defaults(&catalog, &catalog.scenarios[id]));
    let l = layout(&catalog, id, 1280.0);
    let (blocked, unresolved) = (r.flows.iter().position(|f| f.hops.len() >= 2).unwrap(), 0);
    let mut marks: Marks = r.flows.iter().map(|f| vec![Mark::Open; f.hops.len()]).collect();
    marks[blocked][1] = Mark::Blocked;
    marks[unresolved][0] = Mark::Unresolved;
    let plain = Traffic::new(&l, &r);
    let t = Traffic::checked(&l, &r, &marks);
    let edge = |flow: usize, hop: usize| t.edges[t.flows[flow][hop]].as_ref().unwrap();
    assert_eq!((edge(blocked, 1).mark, edge(blocked, 1).ink()), (Mark::Blocked, Ink::Blocked));
    assert!(edge(blocked, 1).label.starts_with("✕ "), "{}", edge(blocked, 1).label);
    if t.flows[unresolved][0] != t.flows[blocked][1] {
        let u = edge(unresolved, 0);
        assert_eq!((u.mark, u.ink(), u.dash()), (Mark::Unresolved, Ink::Unresolved, Dash::Dashed));
        assert!(u.label.starts_with("? "), "{}", u.label);
    }
    assert_eq!(t.stops[blocked], Some(1));
    assert!(t.stops.iter().enumerate().all(|(f, s)| f == blocked || s.is_none()));

    // The packet moves as before up to the blocked hop, then waits halfway along it.
    let path = &l.edges[t.flows[blocked][1]].path;
    let (at_end, on) = packet_position(&l, &t, blocked, 1.0).unwrap();
    assert_eq!(on, t.flows[blocked][1]);
    let half = vnet_flows::scene::geom::length(path) / 2.0;
    assert!(at_end.distance(vnet_flows::scene::geom::point_along(path, half)) < 1e-6);
    assert_eq!(packet_position(&l, &t, blocked, 0.01), packet_position(&l, &plain, blocked, 0.01));
    assert_eq!(packet_position(&l, &t, unresolved, 1.0), packet_position(&l, &plain, unresolved, 1.0));

    let shapes = diagram(&l, &t, &t, 1.0, &Emphasis { flow: Some(blocked), ..Emphasis::default() });
    let blocked_text = |s: &Shape| matches!(s, Shape::Text { text, .. } if text.starts_with("✕ "));
    assert!(shapes.iter().any(blocked_text));
    // A ✕ where the packet waits, in the diagram with the flow and in its highlight alike.
    let stop = |s: &Shape| matches!(s, Shape::Circle { center, fill, .. } if fill.ink == Ink::Blocked && center.distance(at_end) < 1e-6);
    assert!(shapes.iter().any(stop));
    assert!(vnet_flows::scene::highlight(&l, &t, blocked).iter().any(stop));
    assert!(
        !vnet_flows::scene::highlight(&l, &t, unresolved)
            .iter()
            .any(|s| matches!(s, Shape::Circle { fill, .. } if fill.ink == Ink::Blocked))
    );
    let mut svg = String::new();
    {
        use plotters::prelude::*;
        let backend = SVGBackend::with_string(&mut svg, (l.width as u32, l.height.ceil() as u32));
        let area = backend.into_drawing_area();
        paint(&area, &shapes, &paint::Palette::LIGHT, 1.0).unwrap();
        area.present().unwrap();
    }
    assert!(svg.to_lowercase().contains(&paint::hex(paint::Palette::LIGHT.blocked).to_lowercase()), "no blocked ink");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/scenes");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("compute-checked.svg"), svg).unwrap();
}

/// Whether repainting `damage(old, new)` over `old` gives `new`: outside the damaged areas,
/// every point of a grid is covered by the same shapes in the same order in both. `None` when
/// `damage` asks for a full repaint.
fn repaints_in_part(l: &Layout, old: &[Shape], new: &[Shape]) -> Option<bool> {
    let areas = damage(old, new, l.width, l.height)?;
    let (old_bounds, new_bounds): (Vec<Rect>, Vec<Rect>) =
        (old.iter().map(Shape::bounds).collect(), new.iter().map(Shape::bounds).collect());
    let covering =
        |bounds: &[Rect], p: Point| -> Vec<usize> { (0..bounds.len()).filter(|&i| bounds[i].contains(p)).collect() };
    for y in (0..l.height as usize).step_by(8) {
        for x in (0..l.width as usize).step_by(8) {
            let p = Point::new(x as f64, y as f64);
            if areas.iter().any(|a| a.contains(p)) {
                continue;
            }
            let (a, b) = (covering(&old_bounds, p), covering(&new_bounds, p));
            if a.len() != b.len() || a.iter().zip(&b).any(|(&i, &j)| old[i] != new[j]) {
                return Some(false);
            }
        }
    }
    Some(true)
}

/// A change repaints only where the picture changed, in every scenario: each change of one key
/// from a sample of configurations (at the end of a fade and halfway through it), and moving on
/// from one flow's highlight to the next. No change, no damage.
#[test]
fn a_change_damages_only_what_it_changes() {
    let catalog = catalog();
    let none = Emphasis::default();
    let mut repaints = (0, 0);
    let mut count = |name: &str, result: Option<bool>| {
        assert_ne!(result, Some(false), "{name}: a point changed outside the damage");
        if result.is_some() { repaints.0 += 1 } else { repaints.1 += 1 }
    };
    for id in catalog.scenario_ids() {
        let scenario = &catalog.scenarios[id];
        let l = layout(&catalog, id, 1280.0);
        let configs: Vec<Config> = Config::combinations(&catalog, scenario).into_iter().step_by(11).take(12).collect();
        for config in &configs {
            let before = Traffic::new(&l, &resolve(&catalog, id, config));
            let old = diagram(&l, &before, &before, 1.0, &none);
            assert_eq!(damage(&old, &old, l.width, l.height), Some(vec![]), "{}: nothing changed", scenario.id);
            for sk in &scenario.keys {
                let at = sk.values.iter().position(|&v| v == config.value(sk.key)).unwrap();
                let mut other = config.clone();
                other.set_value(scenario, sk.key, sk.values[(at + 1) % sk.values.len()]);
                let after = Traffic::new(&l, &resolve(&catalog, id, &other));
                for fade in [0.5, 1.0] {
                    count(&scenario.id, repaints_in_part(&l, &old, &diagram(&l, &before, &after, fade, &none)));
                }
            }
            let lit = |flow: usize| [old.clone(), highlight(&l, &before, flow)].concat();
            for flow in 1..before.flows.len().min(4) {
                count(&format!("{} flow {flow}", scenario.id), repaints_in_part(&l, &lit(flow - 1), &lit(flow)));
            }
        }
    }
    assert!(repaints.0 > repaints.1, "most changes repaint in part: {repaints:?}");
}

#[test]
fn tmp_print_damage() {
    let catalog = catalog();
    let id = catalog.scenario_id("compute").unwrap();
    let scenario = &catalog.scenarios[id];
    let l = layout(&catalog, id, 966.0);
    let t = |s: &[&str]| {
        Traffic::new(&l, &resolve(&catalog, id, &Config::with_settings(&catalog, scenario, s.iter().copied()).unwrap()))
    };
    let (a, b) = (t(&[]), t(&["compute_public_ip=on"]));
    let none = Emphasis::default();
    let old = [diagram(&l, &a, &a, 1.0, &none), highlight(&l, &a, 0)].concat();
    let new = [diagram(&l, &b, &b, 1.0, &none), highlight(&l, &b, 0)].concat();
    let areas = damage(&old, &new, l.width, l.height).unwrap();
    let near = Rect::new(480.0, 110.0, 140.0, 70.0);
    for r in &areas {
        if r.overlaps(&near) {
            println!("area {r:?}");
        }
    }
    for (i, s) in new.iter().enumerate() {
        if s.bounds().overlaps(&near) {
            println!("new {i} {:?} {:?}", s.bounds(), std::mem::discriminant(s));
        }
    }
    println!("{} vs {}", old.len(), new.len());
}
