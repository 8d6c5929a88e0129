//! The adapter's verdict on its page, for the panel's health line: does what we look for exist?

use crate::dom;
use crate::sites::adapter_for;
use nobi_core::platform::{classify, PageKind};
use nobi_core::protocol::{Engine, Health, HealthStatus};

pub fn check(engine: Engine, init_us: Option<u32>) -> Health {
    let (platform, status, ui_language) = match classify(&dom::location()) {
        PageKind::Thread(thread) => {
            let adapter = adapter_for(thread.platform);
            let status = if dom::find(adapter.blocked).is_some() {
                HealthStatus::BlockedByPlatform
            } else if dom::find(adapter.login).is_some() {
                HealthStatus::NotLoggedIn
            } else if dom::find(adapter.composer).is_none() {
                HealthStatus::ComposerNotFound
            } else if dom::find(adapter.buyer_name).is_none()
                || dom::find_every(adapter.message_rows).is_empty()
            {
                HealthStatus::SelectorsOutdated
            } else {
                HealthStatus::Ok
            };
            (Some(thread.platform), status, adapter.detect_language())
        }
        PageKind::Inbox(platform) => (Some(platform), HealthStatus::NotAConversation, None),
        PageKind::Other => (None, HealthStatus::NotAConversation, None),
    };
    Health {
        status,
        platform,
        ui_language: ui_language.map(str::to_owned),
        engine,
        init_us,
    }
}
