//! The typed columns: statuses, priorities, roles and tiers as the database stores them. A value
//! the database holds that is not listed here fails the query that reads it (an error, never a
//! silent default); `store/` maps these to the domain's own enums.

use sea_orm::entity::prelude::*;

/// Declares a string column's enum once: the variants with their stored spelling, the
/// `DeriveActiveEnum` that reads and writes them, `as_str` and comparison with the spelling
/// (`ticket.status == "open"`, for callers that look at the database as text, such as tests).
macro_rules! column_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $spelling:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
        pub enum $name {
            $(
                #[sea_orm(string_value = $spelling)]
                $variant,
            )+
        }

        impl $name {
            /// How the database spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $spelling,)+
                }
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

column_enum!(
    /// `tickets.status`.
    TicketStatus {
        Open = "open",
        Assigned = "assigned",
        InProgress = "in_progress",
        Pending = "pending",
        Resolved = "resolved",
        Closed = "closed",
    }
);

column_enum!(
    /// `tickets.priority`, `categories.priority`, `sla_policies.priority`.
    TicketPriority {
        Low = "low",
        Normal = "normal",
        High = "high",
        Urgent = "urgent",
    }
);

column_enum!(
    /// `members.role`.
    MemberRole {
        Member = "member",
        Admin = "admin",
        Owner = "owner",
    }
);

column_enum!(
    /// `seats.tier`, `payments.tier`: the seat kinds one buys.
    SeatTier {
        Basic = "basic",
        Pro = "pro",
    }
);

column_enum!(
    /// `leave_requests.status`.
    LeaveStatus {
        Pending = "pending",
        Approved = "approved",
        Denied = "denied",
    }
);
