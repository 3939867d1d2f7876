//! The balance donut: the share of valid purchased tokens still left, as an arc on a grey track,
//! green or red by the low-balance rule, with the percentage in the middle.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::{colour, escape, open};
use crate::domain::usage_analytics::DonutColour;

pub struct Donut<'a> {
    /// The element id (ASCII), also the prefix of its title's and description's ids.
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// The share left, 0.0–100.0.
    pub left_percent: Decimal,
    pub colour: DonutColour,
}

/// The donut as inline SVG.
pub fn donut(d: &Donut<'_>) -> String {
    // The arc is measured in tenths of a percent of the circle (`pathLength`), so no π is needed.
    let tenths = (d.left_percent * Decimal::TEN).trunc().to_i64().unwrap_or(0).clamp(0, 1000);
    let (name, stroke) = match d.colour {
        DonutColour::Green => ("green", colour::GREEN),
        DonutColour::Red => ("red", colour::RED),
    };
    let mut out = String::with_capacity(900);
    open(&mut out, d.id, &format!("donut donut-{name}"), 120, 120, d.title, d.description);
    out.push_str(&format!(
        "<circle cx=\"60\" cy=\"60\" r=\"48\" fill=\"none\" stroke=\"{}\" stroke-width=\"16\"/>",
        colour::TRACK
    ));
    if tenths > 0 {
        out.push_str(&format!(
            "<circle class=\"donut-arc\" cx=\"60\" cy=\"60\" r=\"48\" fill=\"none\" stroke=\"{stroke}\" \
             stroke-width=\"16\" pathLength=\"1000\" stroke-dasharray=\"{tenths} 1000\" \
             transform=\"rotate(-90 60 60)\"/>"
        ));
    }
    out.push_str(&format!(
        "<text x=\"60\" y=\"66\" text-anchor=\"middle\" font-size=\"18\" fill=\"{}\" aria-hidden=\"true\">{}%</text></svg>",
        colour::TEXT,
        escape(&d.left_percent.to_string())
    ));
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn draw(percent: &str, colour: DonutColour) -> String {
        donut(&Donut {
            id: "balance-donut",
            title: "Balance <left>",
            description: "20.0% of 100 tokens left",
            left_percent: percent.parse().unwrap(),
            colour,
        })
    }

    #[test]
    fn the_arc_is_as_long_as_the_share_left_and_coloured_by_the_rule() {
        let svg = draw("20.0", DonutColour::Red);
        assert!(svg.contains("donut-red") && svg.contains(colour::RED), "{svg}");
        assert!(svg.contains("stroke-dasharray=\"200 1000\""), "{svg}");
        assert!(svg.contains(">20.0%</text>"), "{svg}");
        let svg = draw("79.5", DonutColour::Green);
        assert!(svg.contains("donut-green") && svg.contains("stroke-dasharray=\"795 1000\""), "{svg}");
    }

    #[test]
    fn nothing_left_draws_only_the_track_and_the_title_is_escaped() {
        let svg = draw("0.0", DonutColour::Red);
        assert!(!svg.contains("donut-arc"), "{svg}");
        assert!(svg.contains("<title id=\"balance-donut-title\">Balance &lt;left&gt;</title>"), "{svg}");
        assert!(svg.contains("aria-labelledby=\"balance-donut-title balance-donut-desc\""), "{svg}");
        assert!(!svg.contains("style="), "{svg}");
    }
}
