//! The adapter's verdict on its page, for the panel's health line: does what we look for exist?

use crate::composer;
use crate::dom;
use crate::pane::{self, Pane};
use crate::send::check_page;
use crate::sites::adapter_for;
use nobi_core::platform::{classify, PageKind};
use nobi_core::protocol::{Engine, FailReason, Health, HealthStatus};

/// The verdict on the page now.
pub fn check(engine: Engine, init_us: Option<u32>) -> Health {
    check_with(engine, init_us).0
}

/// The verdict, and the pane it was read from (for the field diagnostic).
pub fn check_with(engine: Engine, init_us: Option<u32>) -> (Health, Option<Pane>) {
    let (platform, status, ui_language, pane) = match classify(&dom::location()) {
        PageKind::Thread(thread) => {
            let adapter = adapter_for(thread.platform);
            let pane = pane::read(adapter);
            let status = match check_page(adapter, None) {
                Err(FailReason::BlockedByPlatform) => HealthStatus::BlockedByPlatform,
                Err(_) => HealthStatus::NotLoggedIn,
                Ok(()) => match &pane.composer {
                    None if crate::composer::behind_dialog() => HealthStatus::ComposerCovered,
                    None => HealthStatus::ComposerNotFound,
                    Some((c, _)) if composer::covered(c) => HealthStatus::ComposerCovered,
                    Some(_)
                        if pane.signature.name.is_none()
                            || (pane.listing.list.is_none()
                                && pane.listing.messages.is_empty()) =>
                    {
                        HealthStatus::SelectorsOutdated
                    }
                    Some(_) => HealthStatus::Ok,
                },
            };
            (
                Some(thread.platform),
                status,
                adapter.detect_language(),
                Some(pane),
            )
        }
        PageKind::Inbox(platform) => (Some(platform), HealthStatus::NotAConversation, None, None),
        PageKind::Other => (None, HealthStatus::NotAConversation, None, None),
    };
    let health = Health {
        status,
        platform,
        ui_language: ui_language.map(str::to_owned),
        engine,
        init_us,
    };
    (health, pane)
}
