//! The minijinja side: one small environment (strict undefined, fuel, a recursion limit, only
//! the filters of [`FILTERS`] and the tests `defined`, `undefined` and `none`, no globals and no
//! other templates), [`check`] for a body being saved and [`render`] for a body being sent.

use std::collections::BTreeMap;
use std::io;
use std::sync::Arc;

use minijinja::value::{Enumerator, Object, ObjectRepr};
use minijinja::{Environment, ErrorKind, UndefinedBehavior, Value};

use super::VARIABLES;
use super::{scan, TemplateProblem, Vars, FILTERS, FUEL, MAX_OUTPUT_CHARS, RECURSION_LIMIT};

fn environment() -> Environment<'static> {
    let mut env = Environment::empty();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(RECURSION_LIMIT);
    // Errors carry the span of what failed, to name an undefined variable.
    env.set_debug(true);
    for name in FILTERS {
        match name {
            "lower" => env.add_filter(name, minijinja::filters::lower),
            "upper" => env.add_filter(name, minijinja::filters::upper),
            "capitalize" => env.add_filter(name, minijinja::filters::capitalize),
            "trim" => env.add_filter(name, minijinja::filters::trim),
            "default" | "d" => env.add_filter(name, minijinja::filters::default),
            "length" => env.add_filter(name, minijinja::filters::length),
            _ => {}
        }
    }
    env.add_test("defined", minijinja::tests::is_defined);
    env.add_test("undefined", minijinja::tests::is_undefined);
    env.add_test("none", minijinja::tests::is_none);
    env
}

/// Checks a body being saved: the subset of Jinja, its syntax, that it names only
/// [`VARIABLES`] (any `fields.<key>`: fields are defined by Admins and may come later), and a
/// trial render with sample values (a filter that does not exist, a wrong type, too much work).
pub fn check(body: &str) -> Result<(), TemplateProblem> {
    scan::check(body)?;
    let env = environment();
    let template = env.template_from_str(body).map_err(|e| syntax(&e))?;
    let mut names: Vec<String> = template.undeclared_variables(true).into_iter().collect();
    names.sort();
    if let Some(name) = names.into_iter().find(|n| !known(n)) {
        return Err(TemplateProblem::UnknownVariable { name });
    }
    let sample = context(&Vars::sample(), Value::from_object(AnyField));
    match write(&template, body, sample, &|_| true) {
        // What is empty for the sample may not be for a ticket.
        Ok(_) | Err(TemplateProblem::EmptyOutput) => Ok(()),
        Err(problem) => Err(problem),
    }
}

/// Renders a body for a ticket into plain text (escaping it for Telegram is the adapter's job):
/// trimmed, not empty, at most [`MAX_OUTPUT_CHARS`] characters.
pub fn render(body: &str, vars: &Vars) -> Result<String, TemplateProblem> {
    // Checked when saved; checked again, as the rules may be stricter than when it was.
    scan::check(body)?;
    let env = environment();
    let template = env.template_from_str(body).map_err(|e| syntax(&e))?;
    let values = context(vars, Value::from_serialize(&vars.fields));
    let resolvable = |name: &str| resolvable(name, &vars.fields);
    write(&template, body, values, &resolvable)
}

/// The values a template sees.
fn context(vars: &Vars, fields: Value) -> Value {
    minijinja::context! {
        customer_name => &vars.customer_name,
        customer_first_name => &vars.customer_first_name,
        customer_username => &vars.customer_username,
        ticket_number => vars.ticket_number,
        subject => &vars.subject,
        agent_name => &vars.agent_name,
        workspace_name => &vars.workspace_name,
        priority => &vars.priority,
        category => &vars.category,
        fields => fields,
    }
}

/// Renders into a bounded buffer and sorts the engine's errors into problems.
fn write(
    template: &minijinja::Template<'_, '_>,
    body: &str,
    values: Value,
    resolvable: &dyn Fn(&str) -> bool,
) -> Result<String, TemplateProblem> {
    let mut out = Bounded::default();
    match template.render_captured_to(values, &mut out) {
        Ok(_) => {}
        Err(_) if out.overflowed => {
            return Err(TemplateProblem::OutputTooLong {
                max: MAX_OUTPUT_CHARS,
            })
        }
        Err(e) => {
            return Err(match e.kind() {
                ErrorKind::UndefinedError => TemplateProblem::Undefined {
                    name: culprit(template, body, &e, resolvable),
                },
                ErrorKind::OutOfFuel => TemplateProblem::TooMuchWork,
                ErrorKind::InvalidOperation
                    if e.detail().is_some_and(|d| d.contains("recursion")) =>
                {
                    TemplateProblem::TooMuchWork
                }
                _ => TemplateProblem::Failed {
                    line: e.line(),
                    detail: detail(&e),
                },
            })
        }
    }
    let text = String::from_utf8_lossy(&out.bytes).trim().to_owned();
    if text.is_empty() {
        return Err(TemplateProblem::EmptyOutput);
    }
    if text.chars().count() > MAX_OUTPUT_CHARS {
        return Err(TemplateProblem::OutputTooLong {
            max: MAX_OUTPUT_CHARS,
        });
    }
    Ok(text)
}

fn syntax(e: &minijinja::Error) -> TemplateProblem {
    TemplateProblem::Syntax {
        line: e.line(),
        detail: detail(e),
    }
}

fn detail(e: &minijinja::Error) -> String {
    e.detail()
        .map_or_else(|| e.kind().to_string(), str::to_owned)
}

/// Whether a variable name (`subject`, `fields.plan`) is one templates may use.
fn known(name: &str) -> bool {
    match name.split_once('.') {
        Some((top, _)) => top == "fields",
        None => VARIABLES.contains(&name),
    }
}

/// Whether a ticket with these field values has the variable `name`.
fn resolvable(name: &str, fields: &BTreeMap<String, String>) -> bool {
    match name.split_once('.') {
        None => VARIABLES.contains(&name),
        Some(("fields", key)) => !key.contains('.') && fields.contains_key(key),
        Some(_) => false,
    }
}

/// The variable an undefined-value error is about: among the variables the body uses that this
/// ticket lacks, the one the error points at, else the first of them, else what it points at.
fn culprit(
    template: &minijinja::Template<'_, '_>,
    body: &str,
    e: &minijinja::Error,
    resolvable: &dyn Fn(&str) -> bool,
) -> String {
    let pointed = e
        .range()
        .and_then(|r| body.get(r))
        .map(|s| s.trim().to_owned());
    let mut missing: Vec<String> = template
        .undeclared_variables(true)
        .into_iter()
        .filter(|n| !resolvable(n))
        .collect();
    missing.sort();
    match pointed {
        Some(p) if missing.contains(&p) => p,
        pointed => missing.into_iter().next().or(pointed).unwrap_or_default(),
    }
}

/// The rendered bytes, refusing to grow past what [`MAX_OUTPUT_CHARS`] can take.
#[derive(Default)]
struct Bounded {
    bytes: Vec<u8>,
    overflowed: bool,
}

impl io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // A character is at most 4 bytes; the exact count is taken once rendering ended.
        if self.bytes.len() + buf.len() > MAX_OUTPUT_CHARS * 4 {
            self.overflowed = true;
            return Err(io::Error::other("template output too long"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The `fields` of a trial render: any key has a value, there are none to loop over.
#[derive(Debug)]
struct AnyField;

impl Object for AnyField {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, _key: &Value) -> Option<Value> {
        Some(Value::from("…"))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Empty
    }
}

impl Vars {
    /// Values of the right kinds for a trial render.
    pub fn sample() -> Vars {
        Vars {
            customer_name: "Carol Customer".into(),
            customer_first_name: "Carol".into(),
            customer_username: "carol".into(),
            ticket_number: 1,
            subject: "Subject".into(),
            agent_name: "Agent".into(),
            workspace_name: "Workspace".into(),
            priority: "normal".into(),
            category: String::new(),
            fields: BTreeMap::new(),
        }
    }
}
