//! `${name}` templates for actions, resources and principals.

use alloc::string::String;
use alloc::vec::Vec;

use crate::path::is_name;

/// Where a variable's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Var {
    /// The route's capture with this index.
    Capture(usize),
    /// The store's default account (`${account}`).
    Account,
    /// The principal header's value (principal templates only).
    Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    /// A variable, and whether it stands in the head of an ARN (service,
    /// region, account), where a `:` in its value would shift the parts.
    Var {
        var: Var,
        in_head: bool,
    },
}

/// A compiled template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

impl Template {
    /// Compiles `text`; `resolve` names each variable (or refuses it).
    pub fn parse(text: &str, resolve: impl Fn(&str) -> Option<Var>) -> Result<Template, String> {
        // The parts before the resource part of an ARN: `acs:` has four
        // colons before it, `arn:` five.
        let head_colons = if text.starts_with("arn:") {
            5
        } else if text.starts_with("acs:") {
            4
        } else {
            0
        };
        let mut pieces = Vec::new();
        let mut colons = 0;
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            let (before, after) = rest.split_at(start);
            let after = after.get(2..).unwrap_or_default();
            let Some(end) = after.find('}') else {
                return Err(alloc::format!("`${{` without a closing `}}` in `{text}`"));
            };
            let name = after.get(..end).unwrap_or_default();
            if !is_name(name) {
                return Err(alloc::format!("`${{{name}}}` is not a variable name"));
            }
            let Some(var) = resolve(name) else {
                return Err(alloc::format!("`${{{name}}}` is neither a capture of this route nor a known variable"));
            };
            colons += before.matches(':').count();
            if !before.is_empty() {
                pieces.push(Piece::Text(String::from(before)));
            }
            pieces.push(Piece::Var { var, in_head: colons < head_colons });
            rest = after.get(end + 1..).unwrap_or_default();
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(String::from(rest)));
        }
        Ok(Template { pieces })
    }

    /// True when the template has no variables.
    pub fn is_literal(&self) -> bool {
        self.pieces.iter().all(|p| matches!(p, Piece::Text(_)))
    }

    /// The literal text of a template without variables.
    pub fn literal(&self) -> Option<&str> {
        match self.pieces.as_slice() {
            [] => Some(""),
            [Piece::Text(text)] => Some(text),
            _ => None,
        }
    }

    /// Fills the template. `value` gives each variable's text; `allowed`
    /// checks it (with whether it stands in an ARN head) and returns false to
    /// refuse the expansion.
    pub fn expand<'v>(&self, value: impl Fn(Var) -> &'v str, allowed: impl Fn(&str, bool) -> bool) -> Option<String> {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Var { var, in_head } => {
                    let text = value(*var);
                    if !allowed(text, *in_head) {
                        return None;
                    }
                    out.push_str(text);
                }
            }
        }
        Some(out)
    }
}
