//! Custom fields (SPEC §7): what an Admin defines (a key, a label, a type, the choices of the
//! choice types, whether it is required) and how a typed value is read against its type.
//!
//! Everything an agent or an Admin types passes through here before it is stored, so the
//! stored text of a value is always canonical ([`parse_value`]): numbers in their shortest
//! form, checkboxes as `yes`/`no`, dates as `YYYY-MM-DD`, choices spelled as defined. The
//! refusals carry data ([`ValueProblem`], [`DefinitionProblem`]); their words are the Telegram
//! adapter's.

use serde::{Deserialize, Serialize};

/// The most fields a workspace may define: each is a line of `/info` and maybe a row of buttons.
pub const MAX_FIELDS: usize = 50;
/// The most choices a choice field may offer.
pub const MAX_CHOICES: usize = 50;
/// The longest choice, in characters.
pub const MAX_CHOICE_CHARS: usize = 64;
/// The longest text value, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;
/// The longest key, in characters.
pub const MAX_KEY_CHARS: usize = 32;
/// The longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 64;
/// Longer numbers are refused, typed or spelled out.
const MAX_NUMBER_CHARS: usize = 64;

/// What values a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Number,
    SingleChoice,
    MultipleChoice,
    Checkbox,
    Date,
}

impl FieldKind {
    pub const ALL: [FieldKind; 6] = [
        FieldKind::Text,
        FieldKind::Number,
        FieldKind::SingleChoice,
        FieldKind::MultipleChoice,
        FieldKind::Checkbox,
        FieldKind::Date,
    ];

    /// How it is stored and typed in a definition.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Number => "number",
            FieldKind::SingleChoice => "single_choice",
            FieldKind::MultipleChoice => "multiple_choice",
            FieldKind::Checkbox => "checkbox",
            FieldKind::Date => "date",
        }
    }

    /// Reads a type as an Admin types it: the stored name or a short one (`single`, `multi`).
    pub fn parse(typed: &str) -> Option<FieldKind> {
        let t = typed.trim().to_lowercase().replace([' ', '-'], "_");
        Some(match t.as_str() {
            "text" | "string" => FieldKind::Text,
            "number" | "numeric" => FieldKind::Number,
            "single" | "single_choice" | "choice" | "select" => FieldKind::SingleChoice,
            "multiple" | "multi" | "multiple_choice" | "multi_choice" | "multiselect" => {
                FieldKind::MultipleChoice
            }
            "checkbox" | "check" | "bool" | "boolean" | "yes/no" | "yesno" => FieldKind::Checkbox,
            "date" => FieldKind::Date,
            _ => return None,
        })
    }

    /// Whether the field offers choices.
    pub fn has_choices(self) -> bool {
        matches!(self, FieldKind::SingleChoice | FieldKind::MultipleChoice)
    }
}

/// A field as an Admin defined it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDef {
    /// What `/set` and templates (`fields.<key>`) call it: `[a-z0-9_-]`, unique per workspace.
    pub key: String,
    /// What people read.
    pub label: String,
    pub kind: FieldKind,
    /// The choices of a choice field, in the Admin's order; empty for other kinds.
    #[serde(default)]
    pub choices: Vec<String>,
    /// Required fields are shown as missing in `/info` until set, and can't be cleared.
    pub required: bool,
}

/// Why a typed value is refused. Each carries the field's key: the answer names it
/// (`priority-score must be a number`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ValueProblem {
    NotANumber {
        key: String,
    },
    NotADate {
        key: String,
    },
    NotYesNo {
        key: String,
    },
    /// A single choice that is none of `choices`.
    NotAChoice {
        key: String,
        choices: Vec<String>,
    },
    /// A multiple choice with a part that is none of `choices`.
    NotChoices {
        key: String,
        choices: Vec<String>,
    },
    TooLong {
        key: String,
        max: usize,
    },
    /// A required field can't be cleared.
    Required {
        key: String,
    },
}

/// Reads a typed value for `def`; `Ok` carries the canonical text to store. An empty value is
/// not a value (clearing is the caller's decision, see [`clear`]).
pub fn parse_value(def: &FieldDef, typed: &str) -> Result<String, ValueProblem> {
    let key = || def.key.clone();
    let text = typed.trim();
    match def.kind {
        FieldKind::Text => {
            if text.chars().count() > MAX_TEXT_CHARS {
                return Err(ValueProblem::TooLong {
                    key: key(),
                    max: MAX_TEXT_CHARS,
                });
            }
            Ok(text.to_owned())
        }
        FieldKind::Number => parse_number(text).ok_or(ValueProblem::NotANumber { key: key() }),
        FieldKind::Checkbox => parse_yes_no(text)
            .map(yes_no)
            .map(str::to_owned)
            .ok_or(ValueProblem::NotYesNo { key: key() }),
        FieldKind::Date => crate::domain::sla::parse_date(text)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .map_err(|_| ValueProblem::NotADate { key: key() }),
        FieldKind::SingleChoice => {
            find_choice(&def.choices, text)
                .cloned()
                .ok_or_else(|| ValueProblem::NotAChoice {
                    key: key(),
                    choices: def.choices.clone(),
                })
        }
        FieldKind::MultipleChoice => {
            let refused = || ValueProblem::NotChoices {
                key: key(),
                choices: def.choices.clone(),
            };
            let mut picked = Vec::new();
            for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let choice = find_choice(&def.choices, part).ok_or_else(refused)?;
                if !picked.contains(choice) {
                    picked.push(choice.clone());
                }
            }
            if picked.is_empty() {
                return Err(refused());
            }
            Ok(join_choices(&ordered(&def.choices, picked)))
        }
    }
}

/// Whether a value may be cleared: a required field's can't.
pub fn clear(def: &FieldDef) -> Result<(), ValueProblem> {
    if def.required {
        Err(ValueProblem::Required {
            key: def.key.clone(),
        })
    } else {
        Ok(())
    }
}

/// The stored spelling of a checkbox.
pub fn yes_no(on: bool) -> &'static str {
    if on {
        "yes"
    } else {
        "no"
    }
}

/// A stored (or typed) checkbox value: yes/no, true/false, on/off, 1/0.
pub fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "on" | "1" => Some(true),
        "no" | "n" | "false" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// A finite number in its shortest spelling (`3.50` → `3.5`, `1e3` → `1000`).
fn parse_number(text: &str) -> Option<String> {
    if text.is_empty() || text.chars().count() > MAX_NUMBER_CHARS {
        return None;
    }
    // Rust's float syntax also reads `inf` and `NaN`, which are no numbers a person means.
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        return None;
    }
    let n: f64 = text.parse().ok()?;
    if !n.is_finite() {
        return None;
    }
    // `-0` reads as `0`. A number whose shortest spelling is long (`1e-300`) is no field value
    // a person means either, and stored values must read back as themselves.
    let shortest = format!("{}", n + 0.0);
    (shortest.len() <= MAX_NUMBER_CHARS).then_some(shortest)
}

/// The choice `typed` names, compared without case.
fn find_choice<'a>(choices: &'a [String], typed: &str) -> Option<&'a String> {
    let typed = typed.trim().to_lowercase();
    choices.iter().find(|c| c.to_lowercase() == typed)
}

/// The parts of a stored multiple-choice value (choices never contain a comma).
pub fn split_choices(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How a multiple-choice value is stored.
pub fn join_choices(parts: &[String]) -> String {
    parts.join(", ")
}

/// `picked` in the order of `choices`; parts that are no longer choices (the Admin changed
/// them) keep their place after those.
fn ordered(choices: &[String], picked: Vec<String>) -> Vec<String> {
    let position = |p: &String| {
        choices
            .iter()
            .position(|c| c.to_lowercase() == p.to_lowercase())
            .unwrap_or(usize::MAX)
    };
    let mut picked: Vec<(usize, String)> = picked.into_iter().map(|p| (position(&p), p)).collect();
    picked.sort_by_key(|(i, _)| *i);
    picked.into_iter().map(|(_, p)| p).collect()
}

/// A multiple-choice value with `choice` added (`on`) or taken away; `None` when nothing is
/// left. Parts the Admin has since removed from the choices are kept.
pub fn toggle_choice(
    choices: &[String],
    current: Option<&str>,
    choice: &str,
    on: bool,
) -> Option<String> {
    let mut parts = current.map(split_choices).unwrap_or_default();
    let same = |p: &String| p.to_lowercase() == choice.to_lowercase();
    parts.retain(|p| !same(p));
    if on {
        parts.push(choice.to_owned());
    }
    let parts = ordered(choices, parts);
    (!parts.is_empty()).then(|| join_choices(&parts))
}

/// Whether a stored value holds `choice` (a single choice's value is it; a multiple choice's
/// value lists it), compared without case.
pub fn holds_choice(kind: FieldKind, value: Option<&str>, choice: &str) -> bool {
    let Some(value) = value else { return false };
    let choice = choice.to_lowercase();
    match kind {
        FieldKind::MultipleChoice => split_choices(value)
            .iter()
            .any(|p| p.to_lowercase() == choice),
        _ => value.to_lowercase() == choice,
    }
}

/// A short fingerprint of a choice, carried by its button next to the choice's position: a
/// button pressed after the Admin changed the choices names a choice that is no longer there
/// (or elsewhere) and is refused instead of setting another one. FNV-1a, folded to 16 bits, so
/// it never changes between builds.
pub fn choice_check(choice: &str) -> u16 {
    let h = fnv1a(choice.to_lowercase().as_bytes());
    (h ^ (h >> 16) ^ (h >> 32) ^ (h >> 48)) as u16
}

/// FNV-1a, 64 bits: a stable hash for handles carried by buttons.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Why a typed field definition (or a part of one) is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum DefinitionProblem {
    /// Not `key | label | type | choices | required`.
    Form,
    /// A key that is not 1 to 32 of `a-z 0-9 _ -`.
    BadKey {
        typed: String,
    },
    /// A key another field of the workspace has.
    KeyTaken {
        key: String,
    },
    /// An empty label, or one longer than `max`.
    BadLabel {
        max: usize,
    },
    /// A type that is none of the six.
    UnknownKind {
        typed: String,
    },
    /// A choice field without choices.
    NoChoices,
    /// Choices for a type that has none.
    ChoicesNotAllowed,
    TooManyChoices {
        max: usize,
    },
    ChoiceTooLong {
        max: usize,
    },
    DuplicateChoice {
        choice: String,
    },
    /// The last part is not `required` or `optional`.
    BadRequired {
        typed: String,
    },
    /// The workspace has `max` fields already.
    TooManyFields {
        max: usize,
    },
}

/// Reads a key; typed capitals are taken as small letters.
pub fn parse_key(typed: &str) -> Result<String, DefinitionProblem> {
    let key = typed.trim().to_ascii_lowercase();
    let ok = !key.is_empty()
        && key.chars().count() <= MAX_KEY_CHARS
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(key)
    } else {
        Err(DefinitionProblem::BadKey {
            typed: typed.trim().chars().take(MAX_KEY_CHARS + 8).collect(),
        })
    }
}

/// Reads a label: spaces collapsed, 1 to [`MAX_LABEL_CHARS`] characters.
pub fn parse_label(typed: &str) -> Result<String, DefinitionProblem> {
    let label = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    if label.is_empty() || label.chars().count() > MAX_LABEL_CHARS {
        return Err(DefinitionProblem::BadLabel {
            max: MAX_LABEL_CHARS,
        });
    }
    Ok(label)
}

/// Reads comma-separated choices: each trimmed, 1 to [`MAX_CHOICE_CHARS`] characters, no two
/// the same (without case), at most [`MAX_CHOICES`].
pub fn parse_choices(typed: &str) -> Result<Vec<String>, DefinitionProblem> {
    let mut out: Vec<String> = Vec::new();
    for part in typed.split(',') {
        let choice = part.split_whitespace().collect::<Vec<_>>().join(" ");
        if choice.is_empty() {
            continue;
        }
        if out.len() == MAX_CHOICES {
            return Err(DefinitionProblem::TooManyChoices { max: MAX_CHOICES });
        }
        if choice.chars().count() > MAX_CHOICE_CHARS {
            return Err(DefinitionProblem::ChoiceTooLong {
                max: MAX_CHOICE_CHARS,
            });
        }
        if out
            .iter()
            .any(|c| c.to_lowercase() == choice.to_lowercase())
        {
            return Err(DefinitionProblem::DuplicateChoice { choice });
        }
        out.push(choice);
    }
    if out.is_empty() {
        return Err(DefinitionProblem::NoChoices);
    }
    Ok(out)
}

/// Reads `required`/`optional` (also yes/no).
fn parse_required(typed: &str) -> Result<bool, DefinitionProblem> {
    match typed.trim().to_lowercase().as_str() {
        "required" | "req" | "yes" | "true" | "mandatory" => Ok(true),
        "optional" | "no" | "false" | "" => Ok(false),
        other => Err(DefinitionProblem::BadRequired {
            typed: other.chars().take(MAX_LABEL_CHARS).collect(),
        }),
    }
}

/// Reads a new field typed as one line, `key | label | type | choices | required`: choices
/// only for the choice types, `required` (or `optional`, the default) last, e.g.
/// `plan | Plan | single | free, pro, team | required` or `score | Priority score | number`.
pub fn parse_definition(text: &str) -> Result<FieldDef, DefinitionProblem> {
    let parts: Vec<&str> = text.trim().split('|').map(str::trim).collect();
    if parts.len() < 3 || parts.len() > 5 {
        return Err(DefinitionProblem::Form);
    }
    let key = parse_key(parts[0])?;
    let label = parse_label(parts[1])?;
    let kind = FieldKind::parse(parts[2]).ok_or_else(|| DefinitionProblem::UnknownKind {
        typed: parts[2].chars().take(MAX_LABEL_CHARS).collect(),
    })?;
    let rest = &parts[3..];
    let (choices, required) = if kind.has_choices() {
        let Some(choices) = rest.first() else {
            return Err(DefinitionProblem::NoChoices);
        };
        let required = match rest.get(1) {
            Some(r) => parse_required(r)?,
            None => false,
        };
        (parse_choices(choices)?, required)
    } else {
        let words: Vec<&str> = rest.iter().copied().filter(|p| !p.is_empty()).collect();
        match words.as_slice() {
            [] => (Vec::new(), false),
            [one] => match parse_required(one) {
                Ok(required) => (Vec::new(), required),
                // A list where a flag belongs: choices for a type that has none.
                Err(_) if one.contains(',') || rest.len() == 2 => {
                    return Err(DefinitionProblem::ChoicesNotAllowed)
                }
                Err(e) => return Err(e),
            },
            _ => return Err(DefinitionProblem::ChoicesNotAllowed),
        }
    };
    Ok(FieldDef {
        key,
        label,
        kind,
        choices,
        required,
    })
}

#[cfg(test)]
mod tests;
