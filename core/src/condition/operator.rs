//! The operator catalogue and the parsing of operator names.

use crate::policy::Dialect;

/// Value types, which decide how policy and request values are parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    String,
    StringIgnoreCase,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// What the positive form of an operator tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Like,
    /// An address within a range.
    Within,
}

macro_rules! operators {
    ($($name:ident => $family:ident, $cmp:ident, $negated:expr, $ram:expr;)*) => {
        /// A base operator, without `IfExists` or a set prefix.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum BaseOp { $($name),* }

        /// Every base operator, in documentation order.
        pub const BASE_OPERATORS: &[BaseOp] = &[$(BaseOp::$name),*];

        impl BaseOp {
            pub fn name(self) -> &'static str {
                match self { $(BaseOp::$name => stringify!($name)),* }
            }
            pub fn family(self) -> Family {
                match self { $(BaseOp::$name => Family::$family),* }
            }
            pub fn comparison(self) -> Comparison {
                match self { $(BaseOp::$name => Comparison::$cmp),* }
            }
            /// True for the `...Not...` forms, which are NOR over their values.
            pub fn negated(self) -> bool {
                match self { $(BaseOp::$name => $negated),* }
            }
            /// Listed by Alibaba Cloud RAM's condition operator documentation.
            pub fn in_ram(self) -> bool {
                match self { $(BaseOp::$name => $ram),* }
            }
        }
    };
}

operators! {
    StringEquals => String, Equal, false, true;
    StringNotEquals => String, Equal, true, true;
    StringEqualsIgnoreCase => StringIgnoreCase, Equal, false, true;
    StringNotEqualsIgnoreCase => StringIgnoreCase, Equal, true, true;
    StringLike => String, Like, false, true;
    StringNotLike => String, Like, true, true;
    NumericEquals => Numeric, Equal, false, true;
    NumericNotEquals => Numeric, Equal, true, true;
    NumericLessThan => Numeric, Less, false, true;
    NumericLessThanEquals => Numeric, LessOrEqual, false, true;
    NumericGreaterThan => Numeric, Greater, false, true;
    NumericGreaterThanEquals => Numeric, GreaterOrEqual, false, true;
    DateEquals => Date, Equal, false, true;
    DateNotEquals => Date, Equal, true, true;
    DateLessThan => Date, Less, false, true;
    DateLessThanEquals => Date, LessOrEqual, false, true;
    DateGreaterThan => Date, Greater, false, true;
    DateGreaterThanEquals => Date, GreaterOrEqual, false, true;
    Bool => Bool, Equal, false, true;
    BinaryEquals => Binary, Equal, false, false;
    IpAddress => Ip, Within, false, true;
    NotIpAddress => Ip, Within, true, true;
    ArnEquals => Arn, Like, false, false;
    ArnLike => Arn, Like, false, false;
    ArnNotEquals => Arn, Like, true, false;
    ArnNotLike => Arn, Like, true, false;
    Null => Null, Equal, false, false;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetOp {
    ForAllValues,
    ForAnyValue,
}

/// A full operator: set prefix, base and `IfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    pub set: Option<SetOp>,
    pub base: BaseOp,
    pub if_exists: bool,
}

/// Why an operator name was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperatorError {
    /// Not an operator at all; carries the nearest known spelling, if any.
    Unknown {
        suggestion: Option<alloc::string::String>,
    },
    UnknownSetPrefix,
    NotInRam,
    /// Carries the rejected part (`IfExists`, a set prefix).
    PartNotInRam(&'static str),
}

impl Operator {
    /// Parses an operator name, ignoring case as the reference implementation
    /// does. `NullIfExists` parses as `Null` (AWS evaluates it so; the
    /// validator warns).
    pub fn parse(name: &str, dialect: Dialect) -> Result<Operator, OperatorError> {
        let (set, rest) = match name.split_once(':') {
            Some((prefix, rest)) => {
                let set = if prefix.eq_ignore_ascii_case("ForAllValues") {
                    SetOp::ForAllValues
                } else if prefix.eq_ignore_ascii_case("ForAnyValue") {
                    SetOp::ForAnyValue
                } else {
                    return Err(OperatorError::UnknownSetPrefix);
                };
                (Some(set), rest)
            }
            None => (None, name),
        };
        if rest.contains(':') {
            return Err(OperatorError::Unknown { suggestion: None });
        }
        let (base_name, if_exists) = match strip_suffix_ignore_case(rest, "IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let base = BASE_OPERATORS
            .iter()
            .copied()
            .find(|op| op.name().eq_ignore_ascii_case(base_name))
            .ok_or_else(|| OperatorError::Unknown { suggestion: suggest(rest) })?;
        if dialect == Dialect::Ram {
            if !base.in_ram() {
                return Err(OperatorError::NotInRam);
            }
            if if_exists {
                return Err(OperatorError::PartNotInRam("IfExists"));
            }
        }
        let if_exists = if_exists && base != BaseOp::Null;
        Ok(Operator { set, base, if_exists })
    }

    /// The canonical spelling (`ForAnyValue:StringEqualsIfExists`).
    pub fn canonical(&self) -> alloc::string::String {
        let mut out = alloc::string::String::new();
        match self.set {
            Some(SetOp::ForAllValues) => out.push_str("ForAllValues:"),
            Some(SetOp::ForAnyValue) => out.push_str("ForAnyValue:"),
            None => {}
        }
        out.push_str(self.base.name());
        if self.if_exists {
            out.push_str("IfExists");
        }
        out
    }
}

fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = text.len().checked_sub(suffix.len())?;
    let (head, tail) = (text.get(..cut)?, text.get(cut..)?);
    tail.eq_ignore_ascii_case(suffix).then_some(head)
}

/// The known operator nearest to `name` by edit distance, when it is close.
fn suggest(name: &str) -> Option<alloc::string::String> {
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(usize, alloc::string::String)> = None;
    for op in BASE_OPERATORS {
        for candidate in [alloc::string::String::from(op.name()), alloc::format!("{}IfExists", op.name())] {
            let distance = crate::text::edit_distance(&lower, &candidate.to_ascii_lowercase());
            if best.as_ref().is_none_or(|(d, _)| distance < *d) {
                best = Some((distance, candidate));
            }
        }
    }
    best.filter(|(d, c)| *d <= 3.max(c.len() / 4)).map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_ignoring_case() {
        let op = Operator::parse("forallvalues:StringEqualsifexists", Dialect::Aws).unwrap();
        assert_eq!(op.canonical(), "ForAllValues:StringEqualsIfExists");
        assert_eq!(Operator::parse("stringequals", Dialect::Aws).unwrap().base, BaseOp::StringEquals);
        let null = Operator::parse("NullIfExists", Dialect::Aws).unwrap();
        assert_eq!((null.base, null.if_exists), (BaseOp::Null, false));
    }

    #[test]
    fn unknown_names_suggest() {
        assert_eq!(
            Operator::parse("StringEqual", Dialect::Aws),
            Err(OperatorError::Unknown { suggestion: Some("StringEquals".into()) })
        );
        assert_eq!(Operator::parse("StringFoo", Dialect::Aws), Err(OperatorError::Unknown { suggestion: None }));
        assert_eq!(
            Operator::parse("NumericLessThen", Dialect::Aws),
            Err(OperatorError::Unknown { suggestion: Some("NumericLessThan".into()) })
        );
        assert_eq!(Operator::parse("Xyzzy", Dialect::Aws), Err(OperatorError::Unknown { suggestion: None }));
        assert_eq!(Operator::parse("ForSomeValues:StringEquals", Dialect::Aws), Err(OperatorError::UnknownSetPrefix));
        assert!(Operator::parse("ForAllValues:ForAnyValue:StringEquals", Dialect::Aws).is_err());
    }

    #[test]
    fn ram_operator_set() {
        assert!(Operator::parse("StringLike", Dialect::Ram).is_ok());
        assert!(Operator::parse("IpAddress", Dialect::Ram).is_ok());
        assert_eq!(Operator::parse("Null", Dialect::Ram), Err(OperatorError::NotInRam));
        assert_eq!(Operator::parse("ArnLike", Dialect::Ram), Err(OperatorError::NotInRam));
        assert_eq!(Operator::parse("BoolIfExists", Dialect::Ram), Err(OperatorError::PartNotInRam("IfExists")));
    }
}
