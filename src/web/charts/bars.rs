//! Bar charts: `columns` for a value per day (up to a year of days side by side, with the first
//! and last day and the highest value marked), `ranked` for named values (APIs, developers) as
//! labelled horizontal bars, largest first. Heights and lengths are exact integer shares of the
//! largest value; a value above zero always shows at least one unit.

use super::{colour, escape, open, shortened};

/// One bar: what it stands for, its value in any integer unit (token thousandths), and the value as
/// people read it.
pub struct Bar<'a> {
    pub label: &'a str,
    pub value: i64,
    pub value_text: &'a str,
}

pub struct BarChart<'a> {
    /// The element id (ASCII), also the prefix of its title's and description's ids.
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// Written after each value in the marks' own titles (`12.5 tokens`).
    pub unit: &'a str,
    pub bars: &'a [Bar<'a>],
}

/// `value` as a share of `max` in `0..=span`, at least 1 when `value` is above zero.
fn scaled(value: i64, max: i64, span: i64) -> i64 {
    if value <= 0 || max <= 0 {
        return 0;
    }
    let share = i128::from(value) * i128::from(span) / i128::from(max);
    i64::try_from(share).unwrap_or(span).clamp(1, span)
}

const PLOT_HEIGHT: i64 = 160;
const TOP: i64 = 20;
const LEFT: i64 = 8;
/// The plot is about this wide whatever the number of days; the SVG scales to its container.
const PLOT_WIDTH: i64 = 720;

/// A value per day (or any ordered series) as columns.
pub fn columns(chart: &BarChart<'_>) -> String {
    let n = i64::try_from(chart.bars.len()).unwrap_or(i64::MAX).max(1);
    let step = (PLOT_WIDTH / n).clamp(2, 40);
    let bar_width = if step >= 4 { step * 4 / 5 } else { step - 1 }.max(1);
    let width = LEFT * 2 + step * n;
    let height = TOP + PLOT_HEIGHT + 24;
    let max = chart.bars.iter().map(|b| b.value).max().unwrap_or(0);
    let baseline = TOP + PLOT_HEIGHT;
    let mut out = String::with_capacity(200 + chart.bars.len() * 90);
    open(&mut out, chart.id, "columns", width, height, chart.title, chart.description);
    let text = |out: &mut String, x: i64, y: i64, anchor: &str, content: &str| {
        out.push_str(&format!(
            "<text x=\"{x}\" y=\"{y}\" text-anchor=\"{anchor}\" font-size=\"12\" fill=\"{}\" aria-hidden=\"true\">{}</text>",
            colour::AXIS,
            escape(content)
        ));
    };
    if let Some(top) = chart.bars.iter().find(|b| b.value == max && max > 0) {
        out.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{}\" y2=\"{TOP}\" stroke=\"{}\" stroke-dasharray=\"4 4\"/>",
            width - LEFT,
            colour::TRACK
        ));
        text(&mut out, LEFT, TOP - 6, "start", &format!("{} {}", top.value_text, chart.unit));
    }
    out.push_str(&format!("<g fill=\"{}\">", colour::BAR));
    for (i, bar) in (0_i64..).zip(chart.bars) {
        let h = scaled(bar.value, max, PLOT_HEIGHT);
        if h == 0 {
            continue;
        }
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{bar_width}\" height=\"{h}\"><title>{}: {} {}</title></rect>",
            LEFT + i * step,
            baseline - h,
            escape(bar.label),
            escape(bar.value_text),
            escape(chart.unit)
        ));
    }
    out.push_str("</g>");
    out.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{baseline}\" x2=\"{}\" y2=\"{baseline}\" stroke=\"{}\"/>",
        width - LEFT,
        colour::AXIS
    ));
    if let (Some(first), Some(last)) = (chart.bars.first(), chart.bars.last()) {
        text(&mut out, LEFT, baseline + 18, "start", first.label);
        if chart.bars.len() > 1 {
            text(&mut out, width - LEFT, baseline + 18, "end", last.label);
        }
    }
    out.push_str("</svg>");
    out
}

const ROW_HEIGHT: i64 = 26;
const LABEL_WIDTH: i64 = 230;
const BAR_SPAN: i64 = 380;
const LABEL_CHARS: usize = 32;

/// Named values as horizontal bars, in the order given, each with its name and value written out.
pub fn ranked(chart: &BarChart<'_>) -> String {
    let n = i64::try_from(chart.bars.len()).unwrap_or(i64::MAX);
    let width = LABEL_WIDTH + BAR_SPAN + 110;
    let height = n.max(1) * ROW_HEIGHT + 8;
    let max = chart.bars.iter().map(|b| b.value).max().unwrap_or(0);
    let mut out = String::with_capacity(300 + chart.bars.len() * 300);
    open(&mut out, chart.id, "ranked", width, height, chart.title, chart.description);
    for (i, bar) in (0_i64..).zip(chart.bars) {
        let y = 4 + i * ROW_HEIGHT;
        let length = scaled(bar.value, max, BAR_SPAN);
        let label = escape(bar.label);
        out.push_str(&format!(
            "<g><title>{label}: {} {}</title>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\" fill=\"{}\">{}</text>\
             <rect x=\"{LABEL_WIDTH}\" y=\"{}\" width=\"{length}\" height=\"{}\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"{}\">{}</text></g>",
            escape(bar.value_text),
            escape(chart.unit),
            LABEL_WIDTH - 8,
            y + 17,
            colour::TEXT,
            escape(&shortened(bar.label, LABEL_CHARS)),
            y + 4,
            ROW_HEIGHT - 8,
            colour::BAR,
            LABEL_WIDTH + length + 6,
            y + 17,
            colour::TEXT,
            escape(bar.value_text),
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn chart<'a>(bars: &'a [Bar<'a>]) -> BarChart<'a> {
        BarChart { id: "daily", title: "Daily usage", description: "From 2027-01-01", unit: "tokens", bars }
    }

    #[test]
    fn columns_are_exact_shares_of_the_highest_day_and_empty_days_draw_nothing() {
        let bars = [
            Bar { label: "2027-01-01", value: 4000, value_text: "4" },
            Bar { label: "2027-01-02", value: 0, value_text: "0" },
            Bar { label: "2027-01-03", value: 1000, value_text: "1" },
            Bar { label: "2027-01-04", value: 1, value_text: "0.001" },
        ];
        let svg = columns(&chart(&bars));
        assert_eq!(svg.matches("<rect").count(), 3, "{svg}");
        assert!(svg.contains("height=\"160\"><title>2027-01-01: 4 tokens</title>"), "{svg}");
        assert!(svg.contains("height=\"40\"><title>2027-01-03: 1 tokens</title>"), "{svg}");
        assert!(
            svg.contains("height=\"1\"><title>2027-01-04: 0.001 tokens</title>"),
            "a trace stays visible"
        );
        assert!(svg.contains(">2027-01-01</text>") && svg.contains(">2027-01-04</text>"), "{svg}");
        assert!(svg.contains(">4 tokens</text>"), "the highest value is written: {svg}");
    }

    #[test]
    fn a_year_of_days_fits_and_no_usage_at_all_draws_an_empty_axis() {
        let labels: Vec<String> = (0..366).map(|d| format!("d{d}")).collect();
        let bars: Vec<Bar<'_>> =
            labels.iter().map(|l| Bar { label: l, value: 5, value_text: "0.005" }).collect();
        let svg = columns(&chart(&bars));
        assert_eq!(svg.matches("<rect").count(), 366);
        assert!(svg.contains("viewBox=\"0 0 748 204\""), "{}", &svg[..200]);
        let zeros: Vec<Bar<'_>> =
            labels.iter().map(|l| Bar { label: l, value: 0, value_text: "0" }).collect();
        let svg = columns(&chart(&zeros));
        assert_eq!(svg.matches("<rect").count(), 0);
        assert!(svg.contains("<title id=\"daily-title\">Daily usage</title>"));
    }

    #[test]
    fn ranked_bars_escape_hostile_names_and_shorten_long_ones() {
        let long = "a".repeat(60);
        let bars = [
            Bar { label: "<script>alert(1)</script>", value: 3000, value_text: "3" },
            Bar { label: &long, value: 1500, value_text: "1.5" },
        ];
        let svg = ranked(&chart(&bars));
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;: 3 tokens"), "{svg}");
        assert!(svg.contains("width=\"380\"") && svg.contains("width=\"190\""), "{svg}");
        assert!(svg.contains(&format!("{}…</text>", "a".repeat(31))), "{svg}");
        assert!(
            svg.contains(&format!("<title>{long}: 1.5 tokens</title>")),
            "the full name stays in the title"
        );
    }
}
