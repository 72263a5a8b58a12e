use alloc::string::String;

use crate::diag::{Diagnostic, Span};

/// Why a text is not acceptable JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonError {
    Syntax { message: String, span: Span, path: String },
    DuplicateKey { key: String, span: Span, first: Span, path: String },
    TooDeep { limit: usize, span: Span, path: String },
    TooLarge { limit: usize, size: usize },
}

impl JsonError {
    pub fn into_diagnostic(self) -> Diagnostic {
        match self {
            JsonError::Syntax { message, span, path } => Diagnostic::error("json-syntax", message)
                .with_help("the text must be one valid JSON value (RFC 8259)")
                .at(path, span),
            JsonError::DuplicateKey { key, span, first, path } => {
                Diagnostic::error("json-duplicate-key", alloc::format!("duplicate key `{key}`"))
                    .with_help(alloc::format!(
                        "IAM rejects objects with a repeated key; the first `{key}` is at byte {}",
                        first.start
                    ))
                    .at(path, span)
            }
            JsonError::TooDeep { limit, span, path } => {
                Diagnostic::error("limit-json-depth", alloc::format!("JSON nests deeper than {limit} levels"))
                    .with_help("policies never need this much nesting; flatten the document")
                    .at(path, span)
            }
            JsonError::TooLarge { limit, size } => Diagnostic::error(
                "limit-input-size",
                alloc::format!("input is {size} bytes, more than the limit of {limit} bytes"),
            )
            .with_help("split the store or raise the limit in the host"),
        }
    }
}

impl core::fmt::Display for JsonError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.clone().into_diagnostic().message)
    }
}
