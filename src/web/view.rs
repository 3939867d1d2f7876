//! HTML rendering with Tera. The templates under `templates/` are parsed once when the server
//! ignites (a template that does not parse stops the start, like bad settings do) and named by
//! their path without extensions: `templates/directory/search.html.tera` is `directory/search`.
//!
//! A page's data goes to Tera as one JSON object moved into the render context, so it is built
//! once per request and never copied again on its way into the template.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rocket::http::{ContentType, Status};
use rocket::request::Request;
use rocket::response::{self, Responder};
use serde::Serialize;
use tera::{Context, Tera, Value};

use super::assets::Assets;
use super::i18n::Lang;

/// Every template, parsed; managed as Rocket state.
pub struct Views {
    tera: Tera,
    /// Per template, the text catalogue (`tr`) cut down to the sections it and the templates it
    /// extends or includes refer to, in Japanese and English. Copying the whole catalogue into every
    /// render was a good part of the cost of a page.
    catalogs: HashMap<String, [Value; 2]>,
}

impl Views {
    /// Parses every `*.tera` template the portal carries (or the development folder holds); HTML
    /// templates escape what they print.
    ///
    /// # Errors
    /// A file that cannot be read or a template that does not parse.
    pub fn load(assets: &Assets) -> Result<Views, tera::Error> {
        let files = assets
            .templates()
            .map_err(|e| tera::Error::chain(format!("reading the templates of {assets:?}"), e))?;
        let files: Vec<(String, String, Cow<'static, str>)> = files
            .into_iter()
            .filter_map(|(path, text)| template_name(&path).map(|name| (path, name, text)))
            .collect();
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html.tera", ".htm.tera", ".xml.tera"]);
        tera.add_raw_templates(files.iter().map(|(_, name, text)| (name.as_str(), text.as_ref())))?;
        // Escaping is decided on the template's path (`*.html.tera`), which raw templates lack.
        for (path, name, _) in &files {
            if let Some(template) = tera.templates.get_mut(name) {
                template.path = Some(path.clone());
            }
        }
        tera.register_filter("money", money_filter);
        let sources: HashMap<String, String> =
            files.iter().map(|(_, name, text)| (name.clone(), text.as_ref().to_owned())).collect();
        let catalogs = sources
            .keys()
            .map(|name| {
                let sections = catalog_sections(name, &sources);
                let cut = |lang: Lang| match lang.catalog() {
                    Value::Object(all) => Value::Object(
                        all.iter()
                            .filter(|(k, _)| sections.contains(k.as_str()))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    ),
                    other => other.clone(),
                };
                (name.clone(), [cut(Lang::Ja), cut(Lang::En)])
            })
            .collect();
        Ok(Views { tera, catalogs })
    }

    /// The catalogue as template `name` needs it.
    fn catalog(&self, name: &str, lang: Lang) -> &Value {
        let index = usize::from(lang == Lang::En);
        self.catalogs.get(name).map_or(lang.catalog(), |both| &both[index])
    }

    /// # Errors
    /// A template that is missing or fails while rendering.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, tera::Error> {
        self.tera.render(name, context)
    }
}

/// The top-level catalogue sections (`tr.<section>`) template `name` uses, following `extends` and
/// `include` to the templates it draws on.
fn catalog_sections<'a>(name: &str, sources: &'a HashMap<String, String>) -> HashSet<&'a str> {
    let mut sections = HashSet::new();
    let mut seen = HashSet::new();
    let mut pending = vec![name.to_owned()];
    while let Some(current) = pending.pop() {
        let Some(text) = sources.get(&current) else { continue };
        if !seen.insert(current) {
            continue;
        }
        for (at, _) in text.match_indices("tr.") {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let rest = &text[at + 3..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            sections.insert(&rest[..end]);
        }
        for keyword in ["extends \"", "include \""] {
            for (at, _) in text.match_indices(keyword) {
                let rest = &text[at + keyword.len()..];
                if let Some(end) = rest.find('"') {
                    pending.push(rest[..end].to_owned());
                }
            }
        }
    }
    sections
}

/// `directory/search.html.tera` → `directory/search`; files not ending in `.tera` are no templates.
fn template_name(relative: &str) -> Option<String> {
    let stem = relative.strip_suffix(".tera")?;
    let name = match stem.rsplit_once('.') {
        Some((name, ext)) if !ext.contains('/') => name,
        _ => stem,
    };
    Some(name.to_owned())
}

/// `{{ price | money }}` shows a `{amount, currency}` object the way the currency is written.
fn money_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    use crate::domain::money::{Currency, Money};
    let amount =
        value.get("amount").and_then(|a| a.as_str()).and_then(|a| a.parse::<rust_decimal::Decimal>().ok());
    let currency = value.get("currency").and_then(|c| c.as_str()).and_then(Currency::from_code);
    match (amount, currency) {
        (Some(amount), Some(currency)) => Ok(Money::new(amount, currency).to_string().into()),
        _ => Ok(value.clone()),
    }
}

/// A template and the data it is rendered with; rendering happens when Rocket sends it.
pub struct Template {
    name: Cow<'static, str>,
    /// The variables, kept as a map until rendering so the catalogue joins them as a plain clone.
    context: Result<serde_json::Map<String, Value>, String>,
    /// Set when the template reads the text catalogue as `tr` (every page does).
    lang: Option<Lang>,
}

impl Template {
    /// `context` must serialise to an object; its keys become the template's variables.
    pub fn render(name: impl Into<Cow<'static, str>>, context: impl Serialize) -> Template {
        let context = match serde_json::to_value(context) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err("the context is not an object".to_owned()),
            Err(e) => Err(e.to_string()),
        };
        Template { name: name.into(), context, lang: None }
    }

    /// Renders with `map` as the variables, taking it as it is, and the catalogue of `lang` as `tr`.
    pub fn with_map(
        name: impl Into<Cow<'static, str>>,
        map: serde_json::Map<String, Value>,
        lang: Lang,
    ) -> Template {
        Template { name: name.into(), context: Ok(map), lang: Some(lang) }
    }
}

impl Template {
    /// Renders now, for a handler that keeps the result.
    ///
    /// # Errors
    /// The context could not be built, or the template is missing or fails.
    pub fn render_with(self, views: &Views) -> Result<String, tera::Error> {
        let (name, context) = self.into_context(views)?;
        views.render(&name, &context)
    }

    /// Renders now into bytes, for a handler that keeps them as they are sent: the same output as
    /// [`Template::render_with`], without checking once more that what Tera wrote is UTF-8.
    ///
    /// # Errors
    /// The context could not be built, or the template is missing or fails.
    pub fn render_bytes_with(self, views: &Views) -> Result<Vec<u8>, tera::Error> {
        let (name, context) = self.into_context(views)?;
        let mut out = Vec::with_capacity(32 * 1024);
        views.tera.render_to(&name, &context, &mut out)?;
        Ok(out)
    }

    fn into_context(self, views: &Views) -> Result<(Cow<'static, str>, Context), tera::Error> {
        let mut map = self.context.map_err(tera::Error::msg)?;
        if let Some(lang) = self.lang {
            // A clone of the cut catalogue; inserting it into a `Context` would serialise it anew.
            map.insert("tr".to_owned(), views.catalog(&self.name, lang).clone());
        }
        Ok((self.name, Context::from_value(Value::Object(map))?))
    }
}

/// The error and its sources on one line, for the log.
pub fn describe(e: &tera::Error) -> String {
    let mut chain = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    chain.join(": ")
}

impl<'r> Responder<'r, 'static> for Template {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let Some(views) = req.rocket().state::<Views>() else {
            tracing::error!("templates are not loaded");
            return Err(Status::InternalServerError);
        };
        let name = self.name.clone();
        match self.render_with(views) {
            Ok(html) => (ContentType::HTML, html).respond_to(req),
            Err(e) => {
                tracing::error!(template = %name, error = %describe(&e), "template failed to render");
                Err(Status::InternalServerError)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_drop_the_extensions() {
        assert_eq!(template_name("directory/search.html.tera").as_deref(), Some("directory/search"));
        assert_eq!(template_name("base.html.tera").as_deref(), Some("base"));
        assert_eq!(template_name("plain.tera").as_deref(), Some("plain"));
        assert_eq!(template_name("notes.txt"), None);
    }

    #[test]
    fn a_page_gets_the_catalogue_sections_of_its_layout_and_partials() {
        let views = Views::load(&Assets::Embedded).unwrap();
        let tr = views.catalog("directory/search", Lang::En);
        for section in ["site", "nav", "home", "search"] {
            assert!(tr.get(section).is_some(), "{section} is used by the search page or its layout");
        }
        assert!(views.catalog("directory/card", Lang::En).get("tiers").is_some(), "a card names its tier");
        assert!(tr.get("admin_prices").is_none(), "the search page does not carry the operator's texts");
        assert!(views.catalog("admin/audit", Lang::Ja).get("pager").is_some(), "the included pager's texts");
    }

    #[test]
    fn every_template_parses_and_html_is_escaped() {
        let folder = Assets::Folder(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        for views in [Views::load(&Assets::Embedded).unwrap(), Views::load(&folder).unwrap()] {
            escapes_html(&views);
        }
    }

    fn escapes_html(views: &Views) {
        let mut context = Context::new();
        context.insert("lang", "en");
        context.insert("tr", crate::web::i18n::Lang::En.catalog());
        context.insert("detail", "<img src=x onerror=alert(1)>");
        context.insert("status", &404);
        context.insert("request_id", "r1");
        context.insert("path", "/x");
        context.insert("user", &Value::Null);
        let html = views.render("errors/error", &context).unwrap();
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!html.contains("<img src=x"));
    }
}
