//! The knowledge base's buttons: its settings screens, and the article buttons of `/kb` and of
//! a new ticket's suggestions, which post the article into the ticket's topic.

use super::wire::buttons;
use crate::domain::ids::TicketId;

buttons! {
    pub enum KbButton {
        /// `/settings` → Knowledge base: page `page` of the articles.
        KbList { page: u16 } = "zl",
        /// One article of the presser's workspace.
        KbArticle { id: i64 } = "za",
        /// Ask for a new article as text.
        KbAdd = "zn",
        /// Ask for article `id` again, as text.
        KbEdit { id: i64 } = "ze",
        /// Delete article `id`.
        KbDelete { id: i64 } = "zd",
        /// The external search screen.
        KbExternal = "zx",
        /// Ask for the external search URL.
        KbExternalUrl = "zu",
        /// Ask for the external search's bearer token.
        KbExternalToken = "zt",
        /// Remove the external search (URL and token).
        KbExternalClear = "zc",
        /// Post `article` into `ticket`'s topic.
        KbPost { ticket: TicketId, article: i64 } = "zp",
    }
}
