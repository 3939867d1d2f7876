//! Charts drawn on the server as inline SVG, readable without JavaScript and allowed by the CSP (no
//! scripts, no style attributes: colours are presentation attributes). Every text is escaped here;
//! every chart names itself with `<title>` and `<desc>` (referenced by `aria-labelledby`) and each
//! mark carries its own `<title>`, and the pages put a data table beside it. Geometry is integer
//! arithmetic on the exact amounts.

pub mod bars;
pub mod donut;

/// The colours the charts draw with: green and red for the balance, one blue for usage bars, and
/// greys for tracks and text, each at least 3:1 against white.
pub mod colour {
    pub const GREEN: &str = "#2e7d32";
    pub const RED: &str = "#c62828";
    pub const BAR: &str = "#1f5fa8";
    pub const TRACK: &str = "#dde3ea";
    pub const TEXT: &str = "#1f2933";
    pub const AXIS: &str = "#6b7785";
}

/// `text` safe inside an SVG element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML text at all.
            c if c.is_control() && !matches!(c, '\n' | '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The opening tag every chart shares, then its title and description.
fn open(out: &mut String, id: &str, class: &str, width: i64, height: i64, title: &str, description: &str) {
    let id = escape(id);
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart {class}\" id=\"{id}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(description)
    ));
}

/// `text` cut to `max` characters, with an ellipsis when it was longer.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_quotes_are_escaped() {
        assert_eq!(
            escape("<img src=x onerror=\"alert('1')\">&"),
            "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;"
        );
        assert_eq!(escape("a\u{0}b"), "a\u{FFFD}b");
    }

    #[test]
    fn long_labels_are_shortened_by_characters() {
        assert_eq!(shortened("設計自動化API", 5), "設計自動…");
        assert_eq!(shortened("md", 5), "md");
    }
}
