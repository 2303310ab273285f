//! The dptree handler tree: which handler an update goes to. Handlers are in [`super::handlers`].

use teloxide::dispatching::{HandlerExt, UpdateFilterExt, UpdateHandler};
use teloxide::prelude::*;

use super::commands::Cmd;
use super::handlers;

pub fn schema() -> UpdateHandler<anyhow::Error> {
    dptree::entry()
        .branch(
            Update::filter_message()
                .branch(
                    dptree::entry()
                        .filter_command::<Cmd>()
                        .endpoint(handlers::command),
                )
                .endpoint(handlers::message),
        )
        .branch(Update::filter_edited_message().endpoint(handlers::edited))
        .branch(Update::filter_callback_query().endpoint(handlers::callback))
        .branch(Update::filter_pre_checkout_query().endpoint(handlers::pre_checkout))
        .branch(Update::filter_my_chat_member().endpoint(handlers::my_chat_member))
}
