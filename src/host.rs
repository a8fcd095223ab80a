//! What a host page says about where a widget sits: its theme and the level of its headings.
//!
//! Both come from attributes of `<vnet-flows>`, so both are outside input: a value we do not know
//! falls back to the default with a message the web layer logs, and never fails the widget.

/// The themes a host may ask for; `auto` follows the reader's system.
pub const THEMES: [&str; 4] = ["auto", "light", "dark", "high-contrast"];

/// The theme named by a `theme` attribute, or `auto` and a message saying why.
pub fn theme(value: &str) -> (&'static str, Option<String>) {
    match THEMES.iter().find(|&&t| t == value.trim()) {
        Some(&t) => (t, None),
        None if value.trim().is_empty() => ("auto", None),
        None => (
            "auto",
            Some(format!(
                "unknown theme `{}`; themes: {}. Using auto.",
                crate::config::quote(value),
                THEMES.join(", ")
            )),
        ),
    }
}

/// The level of the widget's own headings (its sections; their groups sit one below), so the
/// page's outline has no gap: 2 under a page's `h1`, 3 inside an `h2` section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeadingLevel(u8);

impl Default for HeadingLevel {
    fn default() -> Self {
        HeadingLevel(2)
    }
}

impl HeadingLevel {
    /// Reads a `heading-level` attribute: a whole number from 1 to 6. Anything else gives the
    /// default, 2, and a message saying why.
    pub fn parse(value: &str) -> (HeadingLevel, Option<String>) {
        match value.trim().parse::<u8>() {
            Ok(n @ 1..=6) => (HeadingLevel(n), None),
            _ if value.trim().is_empty() => (HeadingLevel::default(), None),
            _ => (
                HeadingLevel::default(),
                Some(format!("heading-level `{}` is not a number from 1 to 6; using 2.", crate::config::quote(value))),
            ),
        }
    }

    /// The level as a number (1–6 for the widget's sections; 7 for a group under a level-6 one).
    pub fn get(self) -> u8 {
        self.0
    }

    /// The level one below: the groups inside a section.
    pub fn below(self) -> HeadingLevel {
        HeadingLevel(self.0 + 1)
    }

    /// The HTML element for this level, or `None` past `h6` (then a `role="heading"` with
    /// `aria-level` keeps the outline).
    pub fn tag(self) -> Option<&'static str> {
        ["h1", "h2", "h3", "h4", "h5", "h6"].get(usize::from(self.0).checked_sub(1)?).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_levels_from_attributes() {
        assert_eq!(HeadingLevel::parse("3"), (HeadingLevel(3), None));
        assert_eq!(HeadingLevel::parse(" 6 "), (HeadingLevel(6), None));
        assert_eq!(HeadingLevel::parse(""), (HeadingLevel(2), None));
        for bad in ["0", "7", "-1", "two", "2.5", "999999999999"] {
            let (level, message) = HeadingLevel::parse(bad);
            assert_eq!(level, HeadingLevel(2), "{bad}");
            assert!(message.is_some_and(|m| m.contains(bad)), "{bad}");
        }
        let long = "9".repeat(10_000);
        assert!(HeadingLevel::parse(&long).1.unwrap().len() < 200, "a long value is quoted short");
    }

    #[test]
    fn heading_tags() {
        assert_eq!(HeadingLevel(2).tag(), Some("h2"));
        assert_eq!(HeadingLevel(2).below().tag(), Some("h3"));
        assert_eq!(HeadingLevel(6).tag(), Some("h6"));
        assert_eq!(HeadingLevel(6).below().tag(), None);
        assert_eq!(HeadingLevel(6).below().get(), 7);
    }

    #[test]
    fn themes_from_attributes() {
        assert_eq!(theme("dark"), ("dark", None));
        assert_eq!(theme(""), ("auto", None));
        let (t, message) = theme("neon");
        assert_eq!(t, "auto");
        assert!(message.unwrap().contains("neon"));
    }
}
