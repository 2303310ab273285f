//! Internal comments: the author's confirmation, the staff chat's line, and the threaded view
//! of `/notes` and `/ticket`. Only ever sent to staff (privately or to the staff chat).

use super::common::{esc, t, topic_url, when};
use super::{Button, Rendered};
use crate::app::effects::{CommentNotice, CommentOn, CommentRow};

/// Indentation stops growing here: a long back-and-forth stays readable on a phone.
const MAX_INDENT: u32 = 4;

pub(super) fn comment_notice(n: &CommentNotice, bot: &str) -> Rendered {
    match n {
        CommentNotice::Saved {
            on,
            text,
            file,
            is_reply,
        } => {
            let what = if *is_reply {
                "Reply added to the internal thread"
            } else {
                "Internal comment saved"
            };
            Rendered {
                text: format!(
                    "📝 {what} on <b>#{}</b> {}\n{}{}\n\n<i>Only staff see this. Reply to this \
                     message to answer it.</i>",
                    on.number,
                    esc(&on.subject),
                    attachment(file),
                    esc(text)
                ),
                keyboard: Some(buttons(on, bot)),
            }
        }
        CommentNotice::StaffLine {
            on,
            author,
            text,
            file,
            is_reply,
        } => {
            let verb = if *is_reply { "replied" } else { "commented" };
            Rendered {
                text: format!(
                    "💬 {} {verb} on <b>#{}</b> {}\n{}{}",
                    esc(author),
                    on.number,
                    esc(&on.subject),
                    attachment(file),
                    esc(text)
                ),
                keyboard: Some(buttons(on, bot)),
            }
        }
        CommentNotice::Thread {
            on,
            comments,
            total,
            zone,
        } => Rendered {
            text: thread(on, comments, *total, zone),
            keyboard: Some(vec![vec![Button::Url(
                "Open topic".into(),
                topic_url(on.chat, on.thread),
            )]]),
        },
        CommentNotice::NoteUsage => t(
            "Write the comment after the command: <code>/note the customer is on the old \
             plan</code>. Only staff see it; the command is removed from the topic.",
        ),
        CommentNotice::CommentUsage => t(
            "Use <code>/comment &lt;ticket number&gt; &lt;text&gt;</code>, e.g. \
             <code>/comment 12 called them back</code>.",
        ),
        CommentNotice::TicketUsage { command } => t(format!(
            "Use <code>/{} &lt;ticket number&gt;</code>, e.g. <code>/{} 12</code>.",
            esc(command),
            esc(command)
        )),
        CommentNotice::NoTicket { number: Some(n) } => {
            t(format!("There is no ticket #{n} in this workspace."))
        }
        CommentNotice::NoTicket { number: None } => t("That ticket is not one you can see."),
        CommentNotice::UsePrivateChat => t(
            "Comments are written in your private chat with me (<code>/comment &lt;number&gt; \
             &lt;text&gt;</code>), or with <code>/note</code> in the ticket's topic. I removed \
             your message from the group.",
        ),
    }
}

fn attachment(file: &Option<String>) -> String {
    match file.as_deref() {
        Some("photo") => "📎 photo\n".into(),
        Some(_) => "📎 document\n".into(),
        None => String::new(),
    }
}

/// Open topic, and the whole thread in the private chat (a deep link, so it works from the
/// staff chat too).
fn buttons(on: &CommentOn, bot: &str) -> Vec<Vec<Button>> {
    let mut row = vec![Button::Url(
        "Open topic".into(),
        topic_url(on.chat, on.thread),
    )];
    if !bot.is_empty() {
        row.push(Button::Url(
            "Thread".into(),
            format!("https://t.me/{bot}?start=ticket_{}", on.ticket),
        ));
    }
    vec![row]
}

fn thread(on: &CommentOn, comments: &[CommentRow], total: u64, zone: &str) -> String {
    let mut out = format!(
        "💬 <b>Internal comments on #{}</b> {}\n<i>Only staff see these.</i>\n",
        on.number,
        esc(&on.subject)
    );
    if comments.is_empty() {
        out.push_str("\nNo comments yet. Add one with /note in the topic or /comment here.");
        return out;
    }
    let shown = comments.len() as u64;
    if total > shown {
        out.push_str(&format!(
            "\n(the newest {shown} of {total}; older ones are not shown)\n"
        ));
    }
    for c in comments {
        let depth = c.depth.min(MAX_INDENT) as usize;
        let indent = "    ".repeat(depth);
        let mark = if c.depth == 0 { "•" } else { "↳" };
        out.push_str(&format!(
            "\n{indent}{mark} <b>{}</b>, {}\n{indent}  {}{}",
            esc(&c.author),
            when(c.at, zone),
            attachment(&c.file).replace('\n', " "),
            esc(&c.text).replace('\n', &format!("\n{indent}  "))
        ));
    }
    out
}
