//! QR codes drawn as inline SVG on the server (no script, no image service): one path of dark
//! modules with a quiet zone, scaled by the page.

use qrcode::{Color, EcLevel, QrCode};

/// The SVG markup for `text`, or `None` when it is too long for a QR code.
pub fn svg(text: &str, title: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut path = String::new();
    for (index, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = (index % width + quiet, index / width + quiet);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    let title = title.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"240\" height=\"240\" \
         role=\"img\" aria-label=\"{title}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" \
         fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn draws_an_svg_with_dark_modules_and_an_escaped_label() {
        let svg =
            super::svg("otpauth://totp/Example:a%40b.example?secret=ABC", "QR <code>").unwrap_or_default();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("aria-label=\"QR &lt;code&gt;\""));
        assert!(svg.matches('M').count() > 50);
    }
}
