//! The house map, guarded: every file of `src/` imports only from its own floor or below
//! (domain < store < app < adapters < startup < main), and no files import each other in a
//! circle. Read from the source text (`crate::…` and `super::…` paths), which is enough for a
//! map and needs nothing outside this repository.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The floor of each top-level module. A module missing here fails the test: give it a floor.
const FLOORS: &[(&str, u8)] = &[
    ("domain", 0),
    ("clock", 0),
    ("store", 1),
    ("metrics", 1),
    ("config", 1),
    ("app", 2),
    ("telegram", 3),
    ("http", 3),
    ("jobs", 3),
    ("state", 3),
    ("startup", 4),
    ("main", 5),
    ("lib", 5),
];

type Module = Vec<String>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/app/work/mod.rs` -> `app::work`; `src/lib.rs` -> `lib`.
fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file
        .strip_prefix(src)
        .expect("under src/")
        .with_extension("");
    let mut parts: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The text a file's imports are read from: comments and the trailing unit-test module dropped.
fn code(text: &str) -> String {
    let cut = text
        .match_indices("#[cfg(test)]")
        .find(|(i, _)| text[i + 12..].trim_start().starts_with("mod "))
        .map_or(text.len(), |(i, _)| i);
    text[..cut]
        .lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident_at(s: &str) -> Option<(&str, &str)> {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    let id = &s[..end];
    (!id.is_empty() && id.starts_with(|c: char| c.is_ascii_lowercase() || c == '_'))
        .then_some((id, &s[end..]))
}

/// The lower-case path segments at the start of `s` (`a::b::C` -> `[a, b]`), and whether a
/// `{` group follows them.
fn path_at(s: &str) -> (Module, Option<&str>) {
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some((id, after)) = ident_at(rest) {
        parts.push(id.to_owned());
        match after.strip_prefix("::") {
            Some(more) => rest = more,
            None => return (parts, None),
        }
    }
    (parts, rest.strip_prefix('{'))
}

/// Every path a group `{a::b, c::{d, e}, f}` names, as seen from its prefix.
fn group_paths(prefix: &Module, group: &str, out: &mut Vec<Module>) {
    let mut depth = 0usize;
    let mut start = 0usize;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                item(prefix, &group[start..i], out);
                return;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                item(prefix, &group[start..i], out);
                start = i + 1;
            }
            _ => {}
        }
    }
}

fn item(prefix: &Module, text: &str, out: &mut Vec<Module>) {
    let (parts, group) = path_at(text.trim_start());
    let mut full = prefix.clone();
    full.extend(parts);
    match group {
        Some(inner) => group_paths(&full, inner, out),
        None => out.push(full),
    }
}

/// The module paths a file names, absolute (`crate::` stripped, `super::` resolved).
fn references(module: &Module, text: &str) -> Vec<Module> {
    let mut out = Vec::new();
    let code = code(text);
    for (i, _) in code.match_indices("crate::") {
        if code[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        item(&Vec::new(), &code[i + 7..], &mut out);
    }
    for (i, _) in code.match_indices("super::") {
        if code[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut rest = &code[i..];
        let mut base = module.clone();
        while let Some(more) = rest.strip_prefix("super::") {
            base.pop();
            rest = more;
        }
        item(&base, rest, &mut out);
    }
    out
}

/// The longest prefix of `path` that is a file's module.
fn resolve<'a>(modules: &'a BTreeSet<Module>, path: &[String]) -> Option<&'a Module> {
    (1..=path.len())
        .rev()
        .find_map(|n| modules.get(&path[..n].to_vec()))
}

fn floor(m: &Module) -> Option<u8> {
    let top = m.first().map_or("lib", String::as_str);
    FLOORS
        .iter()
        .find(|(name, _)| *name == top)
        .map(|(_, f)| *f)
}

/// A parent module and its own children are one room: edges between them are not circles.
fn related(a: &Module, b: &Module) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

fn circles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    // Two files are in one circle when each reaches the other.
    let reach = |from: &Module| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(m) = todo.pop() {
            for d in graph.get(&m).into_iter().flatten() {
                if !related(&m, d) && seen.insert(d.clone()) {
                    todo.push(d.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&Module, BTreeSet<Module>> =
        graph.keys().map(|m| (m, reach(m))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for (m, r) in &reaches {
        if done.contains(*m) || !r.contains(*m) {
            continue;
        }
        let circle: Vec<Module> = r
            .iter()
            .filter(|o| reaches.get(o).is_some_and(|back| back.contains(*m)))
            .cloned()
            .collect();
        done.extend(circle.iter().cloned());
        out.push(circle);
    }
    out
}

fn map(src: &Path) -> (Vec<String>, Vec<String>) {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<Module> = files.iter().map(|f| module_of(src, f)).collect();
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    let mut up = Vec::new();
    for file in &files {
        let module = module_of(src, file);
        let text = std::fs::read_to_string(file).expect("source readable");
        let mut deps = BTreeSet::new();
        for path in references(&module, &text) {
            if let Some(target) = resolve(&modules, &path) {
                if *target != module {
                    deps.insert(target.clone());
                }
            }
        }
        let Some(own) = floor(&module) else {
            up.push(format!("{}: no floor for this module", module.join("::")));
            continue;
        };
        for d in &deps {
            match floor(d) {
                Some(f) if f > own => {
                    up.push(format!("{} -> {}", module.join("::"), d.join("::")));
                }
                Some(_) => {}
                None => up.push(format!("{}: no floor for this module", d.join("::"))),
            }
        }
        graph.insert(module, deps);
    }
    let circles = circles(&graph)
        .into_iter()
        .map(|c| {
            c.iter()
                .map(|m| m.join("::"))
                .collect::<Vec<_>>()
                .join(" <-> ")
        })
        .collect();
    (up, circles)
}

#[test]
fn no_file_imports_from_a_floor_above_its_own_nor_in_a_circle() {
    let (up, circles) = map(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(
        up.is_empty(),
        "imports running up the floors:\n{}",
        up.join("\n")
    );
    assert!(
        circles.is_empty(),
        "files importing each other:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_reader_sees_groups_supers_and_skips_tests() {
    let module: Module = vec!["app".into(), "sla".into(), "clocks".into()];
    let text = "use crate::{app::work::{Work, Ctx}, store::{self, tickets}};\n\
                use super::policy::running; // crate::telegram::render\n\
                fn f() { super::super::routing::engine::drain(); }\n\
                #[cfg(test)]\nmod tests { use crate::http::router; }\n";
    let found: BTreeSet<String> = references(&module, text)
        .into_iter()
        .map(|m| m.join("::"))
        .collect();
    for expected in [
        "app::work",
        "store::self",
        "store::tickets",
        "app::sla::policy::running",
        "app::routing::engine::drain",
    ] {
        assert!(found.contains(expected), "{expected} not in {found:?}");
    }
    assert!(!found
        .iter()
        .any(|f| f.starts_with("telegram") || f.starts_with("http")));
}

#[test]
fn a_climb_a_circle_and_a_module_without_floor_are_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
        std::fs::write(path, text).expect("file");
    };
    write("lib.rs", "pub mod app;\npub mod store;\n");
    write("store/mod.rs", "use crate::app::tickets::Ticket;\n");
    write("app/mod.rs", "pub mod tickets;\npub mod routing;\n");
    write("app/tickets.rs", "use super::routing::drain;\n");
    write(
        "app/routing.rs",
        "fn f() { crate::app::tickets::open(); }\n",
    );
    write("app/sla/mod.rs", "use crate::cache::Cache;\n");
    write("cache.rs", "");
    let (up, circles) = map(dir.path());
    assert!(up.contains(&"store -> app::tickets".to_owned()), "{up:?}");
    assert!(
        up.iter().any(|u| u.starts_with("cache: no floor")),
        "{up:?}"
    );
    assert_eq!(circles, vec!["app::routing <-> app::tickets".to_owned()]);
}
