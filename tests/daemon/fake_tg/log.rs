//! The request log: every call in arrival order with its parameters and how it ended, what tests
//! ask of it (calls of a method, the successful ones, the last one), and the summary of recent
//! requests a timed-out wait prints.

use serde_json::Value;

use super::http::ApiErr;
use super::state::World;
use super::FakeTelegram;

/// How a logged request ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestOutcome {
    /// Still being processed (a long poll in progress).
    InFlight,
    /// The client disconnected before the answer (e.g. the daemon dropped its long poll on
    /// shutdown); nothing was handed out.
    Abandoned,
    Ok,
    Failed {
        code: u16,
        description: String,
    },
}

/// One entry of the request log.
#[derive(Clone, Debug)]
pub struct LoggedRequest {
    /// Arrival order, starting at 1, shared by all methods.
    pub seq: u64,
    /// Method name lower-cased (`sendmessage`).
    pub method: String,
    /// The request parameters: the JSON body (a body that is not a JSON object is kept under
    /// `_non_object_body` or `_unparseable_body`).
    pub params: Value,
    /// The call failed because of [`FakeTelegram::fail_next`] (and changed no state).
    pub faulted: bool,
    pub outcome: RequestOutcome,
}

impl FakeTelegram {
    /// Parameters of every call of `method` (case-insensitive), in order, including faulted and
    /// failed ones.
    pub fn requests(&self, method: &str) -> Vec<Value> {
        let m = method.to_ascii_lowercase();
        self.world()
            .log
            .iter()
            .filter(|r| r.method == m)
            .map(|r| r.params.clone())
            .collect()
    }

    /// Parameters of the calls of `method` that succeeded.
    pub fn successful_requests(&self, method: &str) -> Vec<Value> {
        let m = method.to_ascii_lowercase();
        self.world()
            .log
            .iter()
            .filter(|r| r.method == m && r.outcome == RequestOutcome::Ok)
            .map(|r| r.params.clone())
            .collect()
    }

    pub fn request_count(&self, method: &str) -> usize {
        let m = method.to_ascii_lowercase();
        self.world().log.iter().filter(|r| r.method == m).count()
    }

    pub fn last_request(&self, method: &str) -> Option<Value> {
        self.requests(method).pop()
    }

    /// The whole log except `getUpdates` calls (which would drown everything else).
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.world()
            .log
            .iter()
            .filter(|r| r.method != "getupdates")
            .cloned()
            .collect()
    }

    /// The whole log including `getUpdates`.
    pub fn full_request_log(&self) -> Vec<LoggedRequest> {
        self.world().log.clone()
    }

    /// The last 30 non-`getUpdates` requests with their outcome, for failure messages.
    pub fn debug_summary(&self) -> String {
        let log = self.request_log();
        let mut out = format!("recent Bot API requests ({} total):\n", log.len());
        for r in log.iter().rev().take(30).rev() {
            let outcome = match &r.outcome {
                RequestOutcome::Ok => "ok".to_owned(),
                RequestOutcome::InFlight => "in flight".to_owned(),
                RequestOutcome::Abandoned => "abandoned by the client".to_owned(),
                RequestOutcome::Failed { code, description } => format!("{code} {description}"),
            };
            let faulted = if r.faulted { " [faulted]" } else { "" };
            let mut params = r.params.to_string();
            if params.len() > 300 {
                let mut cut = 300;
                while !params.is_char_boundary(cut) {
                    cut -= 1;
                }
                params.truncate(cut);
                params.push('…');
            }
            out.push_str(&format!(
                "  #{} {} {params} -> {outcome}{faulted}\n",
                r.seq, r.method
            ));
        }
        out
    }
}

impl World {
    /// Appends to the request log and returns the entry's `seq`, by which the outcome is recorded
    /// once known (for a long poll, much later).
    pub(super) fn log_request(&mut self, method: &str, params: Value, faulted: bool) -> u64 {
        self.seq += 1;
        self.log.push(LoggedRequest {
            seq: self.seq,
            method: method.to_owned(),
            params,
            faulted,
            outcome: RequestOutcome::InFlight,
        });
        self.seq
    }

    pub(super) fn log_entry(&mut self, seq: u64) -> Option<&mut LoggedRequest> {
        self.log.iter_mut().rev().find(|r| r.seq == seq)
    }

    pub(super) fn finish(&mut self, seq: u64, res: &Result<Value, ApiErr>) {
        if let Some(entry) = self.log_entry(seq) {
            entry.outcome = match res {
                Ok(_) => RequestOutcome::Ok,
                Err(e) => RequestOutcome::Failed {
                    code: e.code,
                    description: e.description.clone(),
                },
            };
        }
    }
}
