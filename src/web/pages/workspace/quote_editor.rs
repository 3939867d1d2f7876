//! The quote editor form: currency, up to five line rows (more when a draft already has more),
//! validity and notes; turning it into the domain's `QuoteInput` and putting each field error
//! back next to the row and field it belongs to.

use rocket::form::FromForm;
use uuid::Uuid;

use super::view::errors_by_field;
use crate::domain::error::{Error, FieldError};
use crate::domain::money::Currency;
use crate::domain::quantity::TokenQuantity;
use crate::domain::quotes::{DEFAULT_VALID_DAYS, LineInput, QuoteInput, QuoteView};
use crate::web::i18n::Lang;

/// Rows the editor always offers; a row left empty is skipped.
const EDITOR_ROWS: usize = 5;
/// The most rows shown again after a post: a quote has at most 20 lines, whatever a client sends.
const MAX_ROWS_SHOWN: usize = 20;

#[derive(Debug, Default, Clone, FromForm)]
pub struct LineForm {
    #[field(default = String::new())]
    pub tokens: String,
    #[field(default = String::new())]
    pub discount_percent: String,
}

impl LineForm {
    fn is_empty(&self) -> bool {
        self.tokens.trim().is_empty() && self.discount_percent.trim().is_empty()
    }
}

#[derive(Debug, Default, Clone, FromForm)]
pub struct QuoteForm {
    #[field(default = String::new())]
    pub customer_id: String,
    #[field(default = String::new())]
    pub quote_request_id: String,
    #[field(default = String::new())]
    pub currency: String,
    pub lines: Vec<LineForm>,
    #[field(default = String::new())]
    pub valid_days: String,
    #[field(default = String::new())]
    pub notes: String,
}

/// A submitted form on its way to the domain, remembering which row each line came from.
pub struct Submission {
    pub input: QuoteInput,
    rows: Vec<usize>,
    /// Quantities refused while reading the form, with the messages meant for typed text.
    quantity_errors: Vec<FieldError>,
}

impl QuoteForm {
    /// The form showing a draft's current terms.
    pub fn from_view(view: &QuoteView) -> Self {
        QuoteForm {
            customer_id: view.customer.id.to_string(),
            quote_request_id: String::new(),
            currency: view.currency.clone(),
            lines: view
                .lines
                .iter()
                .map(|l| LineForm {
                    tokens: l.tokens.to_string(),
                    discount_percent: l.discount_percent.clone(),
                })
                .collect(),
            valid_days: view.valid_days.to_string(),
            notes: view.notes.clone(),
        }
    }

    /// The form for a new quote: the requested quantity (if any) on the first row, default validity.
    pub fn new_quote(
        customer: Option<Uuid>,
        request: Option<Uuid>,
        currency: Currency,
        tokens: Option<i64>,
    ) -> Self {
        QuoteForm {
            customer_id: customer.map(|c| c.to_string()).unwrap_or_default(),
            quote_request_id: request.map(|r| r.to_string()).unwrap_or_default(),
            currency: currency.code().into(),
            lines: tokens
                .map(|t| LineForm { tokens: t.to_string(), ..<LineForm as Default>::default() })
                .into_iter()
                .collect(),
            valid_days: DEFAULT_VALID_DAYS.to_string(),
            notes: String::new(),
        }
    }

    pub fn submission(&self) -> Submission {
        let mut rows = Vec::new();
        let mut lines = Vec::new();
        let mut quantity_errors = Vec::new();
        for (row, line) in self.lines.iter().enumerate().filter(|(_, l)| !l.is_empty()) {
            let field = format!("lines[{}].tokens", lines.len());
            // A quantity the form cannot accept goes to the domain as missing, so its validation still
            // fails (and nothing is written) while the message is the one for typed text, not for JSON.
            let tokens = match TokenQuantity::parse(field, &line.tokens) {
                Ok(tokens) => serde_json::json!(tokens.get()),
                Err(error) => {
                    quantity_errors.push(error);
                    serde_json::Value::Null
                }
            };
            let discount = Some(line.discount_percent.clone()).filter(|d| !d.trim().is_empty());
            lines.push(LineInput { tokens, discount_percent: discount });
            rows.push(row);
        }
        if lines.is_empty() {
            // An empty editor is reported on its first row rather than on the whole list.
            lines.push(LineInput { tokens: serde_json::Value::Null, discount_percent: None });
            rows.push(0);
        }
        let valid_days = Some(self.valid_days.trim())
            .filter(|d| !d.is_empty())
            .map(|d| serde_json::Value::String(d.to_owned()));
        let input = QuoteInput {
            customer_id: self.customer_id.trim().parse().ok(),
            quote_request_id: self.quote_request_id.trim().parse().ok(),
            currency: Some(self.currency.trim().to_owned()).filter(|c| !c.is_empty()),
            lines,
            valid_days,
            notes: Some(self.notes.clone()),
        };
        Submission { input, rows, quantity_errors }
    }
}

impl Submission {
    /// The domain's verdict, with refused quantities described as the form saw them.
    pub fn errors(&self, error: Error) -> Result<Vec<FieldError>, Error> {
        let Error::Validation(mut errors) = error else { return Err(error) };
        for own in &self.quantity_errors {
            match errors.iter_mut().find(|e| e.field == own.field) {
                Some(slot) => *slot = own.clone(),
                // The domain stopped before the lines (e.g. no customer chosen): report them anyway.
                None => errors.push(own.clone()),
            }
        }
        Ok(errors)
    }

    /// The API field name (`lines[1].tokens`) → the form row and field it came from.
    fn row_field(&self, field: &str) -> Option<(usize, String)> {
        let rest = field.strip_prefix("lines[")?;
        let (index, name) = rest.split_once("].")?;
        let row = *self.rows.get(index.parse::<usize>().ok()?)?;
        Some((row, name.to_owned()))
    }
}

/// Errors the editor shows beside a field of its own; any other is listed above the form.
const EDITOR_FIELDS: [&str; 5] = ["customer_id", "currency", "lines", "valid_days", "notes"];

/// What the editor template shows: where it posts, the values, and each error beside its field.
pub fn editor_view(
    action: &str,
    form: &QuoteForm,
    errors: &[FieldError],
    submission: Option<&Submission>,
    lang: Lang,
) -> serde_json::Value {
    let rows_shown = form.lines.len().clamp(EDITOR_ROWS, MAX_ROWS_SHOWN);
    let mut rows: Vec<serde_json::Value> = (0..rows_shown)
        .map(|i| {
            let line = form.lines.get(i).cloned().unwrap_or_default();
            serde_json::json!({ "tokens": line.tokens, "discount_percent": line.discount_percent, "errors": {} })
        })
        .collect();
    let mut beside = serde_json::Map::new();
    let mut other = Vec::new();
    for (field, message) in errors_by_field(errors, lang, str::to_owned) {
        match submission.and_then(|s| s.row_field(&field)) {
            Some((row, name)) => {
                if let Some(slot) = rows.get_mut(row) {
                    slot["errors"][name] = message;
                }
            }
            None if EDITOR_FIELDS.contains(&field.as_str()) => {
                beside.insert(field, message);
            }
            None => other.push(message),
        }
    }
    serde_json::json!({
        "action": action, "customer_id": form.customer_id, "quote_request_id": form.quote_request_id,
        "currency": form.currency, "currencies": [Currency::Jpy.code(), Currency::Usd.code()], "rows": rows,
        "valid_days": form.valid_days, "notes": form.notes, "errors": beside, "other_errors": other,
        "has_errors": !errors.is_empty(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(lines: &[(&str, &str)]) -> QuoteForm {
        QuoteForm {
            lines: lines
                .iter()
                .map(|(t, d)| LineForm { tokens: (*t).into(), discount_percent: (*d).into() })
                .collect(),
            ..<QuoteForm as Default>::default()
        }
    }

    #[test]
    fn empty_rows_are_skipped_and_errors_find_their_row() {
        let submission = form(&[("100", ""), ("", ""), ("abc", "5")]).submission();
        assert_eq!(submission.input.lines.len(), 2);
        assert_eq!(submission.input.lines[0].tokens, serde_json::json!(100));
        assert_eq!(submission.row_field("lines[1].tokens"), Some((2, "tokens".into())));
        assert_eq!(submission.quantity_errors[0].field, "lines[1].tokens");
    }

    #[test]
    fn quantities_out_of_range_are_described_in_the_forms_words() {
        let submission = form(&[("99", "")]).submission();
        assert_eq!(submission.input.lines[0].tokens, serde_json::Value::Null);
        assert_eq!(submission.quantity_errors[0].code, "too_small");
    }

    #[test]
    fn an_empty_editor_is_reported_on_its_first_row() {
        let submission = form(&[("", ""), ("", "")]).submission();
        assert_eq!(submission.input.lines.len(), 1);
        assert_eq!(submission.row_field("lines[0].tokens"), Some((0, "tokens".into())));
    }
}
