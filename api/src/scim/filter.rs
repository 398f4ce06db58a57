//! The SCIM filters this server answers (RFC 7644 §3.4.2.2): comparisons
//! `eq`, `co`, `sw`, `ew` and `pr` on `userName`, `emails` (`emails.value`),
//! `externalId` and `displayName`, `active eq true|false`, joined by `and`.
//! Anything else is refused with `invalidFilter`.

use cam_domain::scim::model::{ScimAttr, ScimCondition, ScimFilter, ScimMatch};

/// The longest filter accepted.
const MAX_FILTER: usize = 1_000;
/// The most conditions a filter joins.
const MAX_CONDITIONS: usize = 10;

const USER_URN_PREFIX: &str = "urn:ietf:params:scim:schemas:core:2.0:user:";

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
}

fn tokens(s: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next() {
                    None => return Err("a quoted value is not closed".into()),
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some('n') => text.push('\n'),
                        Some('t') => text.push('\t'),
                        Some(c) => text.push(c),
                        None => return Err("a quoted value is not closed".into()),
                    },
                    Some(c) => text.push(c),
                }
            }
            out.push(Token::Text(text));
        } else if c == '(' || c == ')' || c == '[' || c == ']' {
            return Err("grouping and value filters are not supported in list filters".into());
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            out.push(Token::Word(word));
        }
    }
    Ok(out)
}

fn attribute(raw: &str) -> Result<Option<ScimAttr>, String> {
    let lower = raw.to_ascii_lowercase();
    let name = lower.strip_prefix(USER_URN_PREFIX).unwrap_or(&lower);
    Ok(Some(match name {
        "username" => ScimAttr::UserName,
        "emails" | "emails.value" => ScimAttr::Email,
        "externalid" => ScimAttr::ExternalId,
        "displayname" => ScimAttr::DisplayName,
        "active" => return Ok(None),
        _ => return Err(format!("filtering on '{raw}' is not supported")),
    }))
}

/// Parses a filter. Errors: why it is not one this server answers.
pub fn parse(raw: &str) -> Result<ScimFilter, String> {
    if raw.len() > MAX_FILTER {
        return Err(format!("a filter has at most {MAX_FILTER} characters"));
    }
    // No stored value holds one, and PostgreSQL refuses a NUL in a
    // parameter: refused here, the same on every database.
    if raw.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return Err("a filter has no control characters".into());
    }
    let toks = tokens(raw)?;
    let mut all = Vec::new();
    let mut i = 0;
    loop {
        let Some(Token::Word(path)) = toks.get(i) else { return Err("expected an attribute".into()) };
        let attr = attribute(path)?;
        let Some(Token::Word(op)) = toks.get(i + 1) else { return Err("expected an operator".into()) };
        let op = op.to_ascii_lowercase();
        i += 2;
        let condition = if op == "pr" {
            match attr {
                Some(a) => ScimCondition::Present(a),
                None => return Err("'active pr' is always true; use 'active eq true'".into()),
            }
        } else {
            let value = toks.get(i).ok_or("expected a value")?;
            i += 1;
            match (attr, value) {
                (None, Token::Word(w)) if op == "eq" && w.eq_ignore_ascii_case("true") => ScimCondition::Active(true),
                (None, Token::Word(w)) if op == "eq" && w.eq_ignore_ascii_case("false") => ScimCondition::Active(false),
                (None, _) => return Err("active is filtered with 'active eq true' or 'active eq false'".into()),
                (Some(attr), Token::Text(value)) => {
                    let op = match op.as_str() {
                        "eq" => ScimMatch::Equals,
                        "co" => ScimMatch::Contains,
                        "sw" => ScimMatch::StartsWith,
                        "ew" => ScimMatch::EndsWith,
                        other => return Err(format!("the operator '{other}' is not supported")),
                    };
                    ScimCondition::Text { attr, op, value: value.clone() }
                }
                (Some(_), Token::Word(_)) => return Err("compare a string attribute with a quoted value".into()),
            }
        };
        all.push(condition);
        if all.len() > MAX_CONDITIONS {
            return Err(format!("at most {MAX_CONDITIONS} conditions"));
        }
        match toks.get(i) {
            None => break,
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("and") => i += 1,
            Some(_) => return Err("conditions are joined with 'and'; 'or' and 'not' are not supported".into()),
        }
    }
    Ok(ScimFilter { all })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filters_identity_providers_send_are_understood() {
        // R44
        let f = parse(r#"userName eq "Ana@Acme.com""#).unwrap();
        assert_eq!(
            f.all,
            vec![ScimCondition::Text { attr: ScimAttr::UserName, op: ScimMatch::Equals, value: "Ana@Acme.com".into() }]
        );
        let f = parse(r#"urn:ietf:params:scim:schemas:core:2.0:User:userName EQ "x" and active eq true"#).unwrap();
        assert_eq!(f.all.len(), 2);
        assert_eq!(f.all[1], ScimCondition::Active(true));
        assert!(parse(r#"emails.value co "\"q""#).is_ok());
        assert!(parse("externalId pr").is_ok());
    }

    #[test]
    fn a_filter_joins_at_most_ten_conditions() {
        let conditions = |n: usize| vec!["userName pr"; n].join(" and ");
        assert_eq!(parse(&conditions(10)).map(|f| f.all.len()), Ok(10));
        assert!(parse(&conditions(11)).is_err());
    }

    #[test]
    fn unsupported_filters_are_refused() {
        for bad in [
            r#"userName gt "a""#,
            r#"title eq "x""#,
            r#"userName eq "a" or userName eq "b""#,
            "userName eq",
            r#"emails[type eq "work"]"#,
            r#"userName eq "open"#,
            "userName eq \"a\0b\"",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
