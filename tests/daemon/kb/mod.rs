//! The knowledge base and secrets at rest (SPEC §9, §11) through the fake Telegram: articles
//! written in `/settings`, `/kb` in a topic (the command deleted, the matches private, the
//! picked article posted and linked), suggestions on the staff chat's new-ticket line, an
//! external search that answers, and one that is too slow; another workspace's ids; the master
//! key and its key file; and the ranking both backends must agree on.

mod ranking;
