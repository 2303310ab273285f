//! The `topicdesk` binary: parses the command line, builds the settings and hands over to
//! [`topicdesk::startup`]. Every failure ends as one line on stderr and a non-zero exit code.

use std::process::ExitCode;

use clap::Parser;
use topicdesk::config::{Cli, Command, Settings};

fn main() -> ExitCode {
    // A missing .env is normal; a broken one is reported by the variables it failed to set.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let needs_token = matches!(cli.command, None | Some(Command::Run));
    let settings = match Settings::from_cli(&cli, needs_token) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("topicdesk: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    topicdesk::startup::init_tracing(settings.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("topicdesk: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command.unwrap_or(Command::Run) {
            Command::Run => topicdesk::startup::run(settings).await,
            Command::Migrate { action } => topicdesk::startup::migrate(&settings, action).await,
            Command::Workspaces => topicdesk::startup::list_workspaces(&settings).await,
            Command::Seats { action } => topicdesk::startup::seats(&settings, action).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("topicdesk: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
