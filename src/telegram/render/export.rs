//! CSV exports: the usage, the once-a-minute refusal and the file's caption.

use super::common::t;
use super::Rendered;
use crate::app::effects::{ExportKind, ExportNotice};

pub(super) fn export_notice(n: &ExportNotice) -> Rendered {
    match n {
        ExportNotice::Usage => t(
            "Use <code>/export audit</code> or <code>/export tickets</code>, optionally with a \
             period: <code>7d</code>, <code>30d</code> (the default), <code>90d</code> or \
             <code>all</code>.",
        ),
        ExportNotice::TooSoon { secs } => t(format!(
            "This workspace exported a moment ago: one export a minute. Try again in {secs} s."
        )),
        ExportNotice::MyData => t(
            "🗂 Everything I store about you, in every workspace: your profile, memberships and \
             seats, the tickets you opened, your messages (with their text where the workspace \
             keeps it), the comments and audit entries you wrote, and your reminders.",
        ),
        ExportNotice::Ready {
            kind,
            period,
            rows,
            truncated,
        } => {
            let what = match kind {
                ExportKind::Audit => "Audit log",
                ExportKind::Tickets => "Tickets",
            };
            let span = match period.as_str() {
                "all" => "everything".to_owned(),
                p => format!("the last {}", p.replace('d', " days")),
            };
            let mut text = format!("📄 {what}, {span}: {rows} rows.");
            if *truncated {
                text.push_str(
                    " The file holds at most this many; choose a shorter period for the rest.",
                );
            }
            t(text)
        }
    }
}
