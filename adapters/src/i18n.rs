//! Words in the five languages of the product (R55): a [`Catalog`] of
//! Project Fluent message files compiled into the binary, the usual way of
//! writing a day in each language ([`date`]), and the language a browser
//! asks for ([`negotiate`]). The emails ([`crate::notify::messages`]) and
//! the approval page each have their catalog.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cam_domain::user::model::Locale;
use chrono::{DateTime, Datelike, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

/// The five message files of a folder beside the calling source file,
/// `<dir>/{en,fr,de,it,ja}.ftl`, compiled in, by language.
#[macro_export]
macro_rules! ftl_files {
    ($dir:literal) => {
        [
            (cam_domain::user::model::Locale::En, include_str!(concat!($dir, "/en.ftl"))),
            (cam_domain::user::model::Locale::Fr, include_str!(concat!($dir, "/fr.ftl"))),
            (cam_domain::user::model::Locale::De, include_str!(concat!($dir, "/de.ftl"))),
            (cam_domain::user::model::Locale::It, include_str!(concat!($dir, "/it.ftl"))),
            (cam_domain::user::model::Locale::Ja, include_str!(concat!($dir, "/ja.ftl"))),
        ]
    };
}

/// The bundles of the five languages, each made of one or more files.
pub struct Catalog {
    bundles: HashMap<Locale, FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").field("languages", &self.bundles.len()).finish()
    }
}

/// One language's bundle. Errors: a file does not parse, or two files
/// define one message.
fn bundle(locale: Locale, sources: &[&str]) -> Result<FluentBundle<FluentResource>, String> {
    let lang = locale.language_tag().parse().map_err(|e| format!("{e}"))?;
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    // Plain text: no Unicode isolation marks around the variables.
    bundle.set_use_isolating(false);
    for source in sources {
        let resource = FluentResource::try_new((*source).to_string())
            .map_err(|(_, errors)| format!("{}.ftl does not parse: {errors:?}", locale.language_tag()))?;
        bundle.add_resource(resource).map_err(|e| format!("{}.ftl: {e:?}", locale.language_tag()))?;
    }
    Ok(bundle)
}

impl Catalog {
    /// The catalog of these files, by language. Errors: a file that does
    /// not parse (ruled out by the tests, since the files are compiled in).
    pub fn new(sources: &[(Locale, &[&str])]) -> Result<Self, String> {
        let bundles = sources.iter().map(|(l, s)| bundle(*l, s).map(|b| (*l, b))).collect::<Result<_, _>>()?;
        Ok(Self { bundles })
    }

    /// A message of this language (else English, else its id).
    pub fn text(&self, locale: Locale, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        for l in [locale, Locale::En] {
            let Some(bundle) = self.bundles.get(&l) else { continue };
            let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else { continue };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, args, &mut errors);
            if errors.is_empty() {
                return text.into_owned();
            }
            tracing::warn!(message = id, locale = l.as_str(), ?errors, "a message did not format");
        }
        id.to_string()
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];
const MONTHS_IT: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];

/// A day (UTC) in the language's usual long form: December 7, 2026;
/// 7 décembre 2026 (1er décembre); 7. Dezember 2026; 7 dicembre 2026
/// (1º dicembre);
/// 2026年12月7日.
pub fn date(locale: Locale, t: DateTime<Utc>) -> String {
    let (y, d) = (t.year(), t.day());
    let m = t.month0() as usize;
    match locale {
        Locale::En => format!("{} {d}, {y}", MONTHS_EN[m]),
        Locale::Fr if d == 1 => format!("1er {} {y}", MONTHS_FR[m]),
        Locale::Fr => format!("{d} {} {y}", MONTHS_FR[m]),
        Locale::De => format!("{d}. {} {y}", MONTHS_DE[m]),
        Locale::It if d == 1 => format!("1º {} {y}", MONTHS_IT[m]),
        Locale::It => format!("{d} {} {y}", MONTHS_IT[m]),
        Locale::Ja => format!("{y}年{}月{d}日", m + 1),
    }
}

/// Longest `Accept-Language` value read; browsers send a few dozen bytes.
const MAX_ACCEPT_LANGUAGE: usize = 1024;

/// The language a browser asks for in `Accept-Language` (RFC 9110 12.5.4):
/// the one with the highest weight among the five the product speaks, the
/// earlier one on a tie; `None` when it names none of them (or `*` only).
pub fn negotiate(accept_language: &str) -> Option<Locale> {
    if accept_language.len() > MAX_ACCEPT_LANGUAGE {
        return None;
    }
    let mut best: Option<(u16, Locale)> = None;
    for range in accept_language.split(',').take(32) {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let weight = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or_else(|| p.trim().strip_prefix("Q=")))
            .next()
            .map_or(Some(1000), weight)
            .unwrap_or(0);
        let Some(locale) = Locale::from_language_tag(tag) else { continue };
        if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
            best = Some((weight, locale));
        }
    }
    best.map(|(_, l)| l)
}

/// A `q` value in thousandths (`0.8` → 800); `None` when malformed.
fn weight(q: &str) -> Option<u16> {
    let q = q.trim();
    let (whole, fraction) = q.split_once('.').unwrap_or((q, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// Each message of a Fluent file (its attributes included) with the
/// variables it uses, read from the syntax tree; for the test that every
/// message exists in every language with the same variables (R55).
/// Errors: the file does not parse.
pub fn variables(source: &str) -> Result<BTreeMap<String, BTreeSet<String>>, String> {
    use fluent_syntax::ast;
    fn expr(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
        match e {
            ast::Expression::Select { selector, variants } => {
                inline(selector, out);
                for v in variants {
                    pattern(&v.value, out);
                }
            }
            ast::Expression::Inline(i) => inline(i, out),
        }
    }
    fn inline(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
        match i {
            ast::InlineExpression::VariableReference { id } => {
                out.insert(id.name.to_string());
            }
            ast::InlineExpression::Placeable { expression } => expr(expression, out),
            ast::InlineExpression::FunctionReference { arguments, .. } => {
                for p in &arguments.positional {
                    inline(p, out);
                }
            }
            _ => {}
        }
    }
    fn pattern(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
        for e in &p.elements {
            if let ast::PatternElement::Placeable { expression } = e {
                expr(expression, out);
            }
        }
    }
    let resource = fluent_syntax::parser::parse(source).map_err(|(_, errors)| format!("{errors:?}"))?;
    let mut found = BTreeMap::new();
    for entry in resource.body {
        if let ast::Entry::Message(m) = entry {
            let mut vars = BTreeSet::new();
            if let Some(v) = &m.value {
                pattern(v, &mut vars);
            }
            for a in &m.attributes {
                pattern(&a.value, &mut vars);
            }
            found.insert(m.id.name.to_string(), vars);
        }
    }
    Ok(found)
}

/// Whether every language's file has exactly the first's messages with the
/// same variables; the differences in words otherwise.
pub fn same_messages(files: &[(Locale, &str)]) -> Result<(), String> {
    let Some(((first_locale, first), rest)) = files.split_first() else { return Ok(()) };
    let reference = variables(first)?;
    let mut problems = Vec::new();
    for (locale, source) in rest {
        let other = variables(source)?;
        let missing: Vec<_> = reference.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !reference.contains_key(*k)).collect();
        if !missing.is_empty() || !extra.is_empty() {
            problems.push(format!("{locale:?} against {first_locale:?}: missing {missing:?}, extra {extra:?}"));
        }
        for (id, vars) in &reference {
            if let Some(theirs) = other.get(id).filter(|v| *v != vars) {
                problems.push(format!("{locale:?}: {id} uses {theirs:?}, {first_locale:?} {vars:?}"));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_gets_the_language_it_weighs_highest_among_the_five() {
        // R55
        assert_eq!(negotiate("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"), Some(Locale::Fr));
        assert_eq!(negotiate("en-US,en;q=0.9,ja;q=0.95"), Some(Locale::En));
        assert_eq!(negotiate("es, ja;q=0.3, it;q=0.4"), Some(Locale::It));
        assert_eq!(negotiate("de;q=0, en;q=0.1"), Some(Locale::En), "q=0 means not this one");
        assert_eq!(negotiate("ja-JP"), Some(Locale::Ja));
        assert_eq!(negotiate("es, pt-BR"), None);
        assert_eq!(negotiate("*"), None);
        assert_eq!(negotiate(""), None);
        assert_eq!(negotiate("fr;q=2, de;q=abc, it;q=0.5"), Some(Locale::It), "malformed weights count as 0");
        assert_eq!(negotiate(&"x,".repeat(600)), None);
    }

    #[test]
    fn files_that_differ_in_messages_or_variables_are_named() {
        let en = "a = A { $x }\nb = B\n";
        assert!(same_messages(&[(Locale::En, en), (Locale::Fr, "a = A { $x }\nb = Bé\n")]).is_ok());
        let e = same_messages(&[(Locale::En, en), (Locale::De, "a = A { $y }\n")]).unwrap_err();
        assert!(e.contains("missing [\"b\"]") && e.contains("a uses {\"y\"}"), "{e}");
    }
}
