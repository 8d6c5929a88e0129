//! Team mode in the panel: the link to the service worker's sync module, the sync status line
//! ([`TeamWatch`]), the connection screen ([`TeamSettings`], in the data tab) and the card's
//! "who has this buyer" row ([`AssigneeRow`]). Every part loads as a chunk: a browser that works
//! alone pays one status request per panel and nothing more.
//!
//! The rules (which page a thread goes under, who may reassign, whose buyer it is) are plain
//! Rust in `nobi_sync::team`; the words in `nobi_sync::words`.

mod assignee;
mod settings;

pub use assignee::AssigneeRow;
pub use settings::TeamSettings;

use crate::state::use_app;
use leptos::prelude::*;
use nobi_bridge::runtime_send_message;
use nobi_core::i18n::Lang;
use nobi_core::sync::team::{PanelToSync, Role, SyncReply, SyncView};
use nobi_core::sync::words::{word, Word};
use nobi_core::sync::Status;
use std::time::Duration;

/// While the panel is open it tells the worker so this often (pulls stay frequent, and the
/// worker is kept awake).
const POKE_EVERY: Duration = Duration::from_secs(20);

/// Sends `request` to the sync module and waits for its answer; `Err` when the worker did not
/// answer (or answered something else).
pub async fn ask(request: &PanelToSync) -> Result<SyncReply, String> {
    crate::chrome::request(request).await
}

/// Asks and stores the answer's view in `team` (the app state's); returns the answer. Takes the
/// signal, not the context: it runs in tasks, outside any reactive owner.
pub async fn ask_and_keep(
    team: RwSignal<Option<SyncView>>,
    request: &PanelToSync,
) -> Option<SyncReply> {
    let reply = ask(request).await.ok()?;
    if let SyncReply::View { view } = &reply {
        // Every sync cycle announces its state: only a real change reaches the screens.
        if team.try_with_untracked(|t| t.as_ref() != Some(view)) == Some(true) {
            let _ = team.try_set(Some(view.clone()));
        }
    }
    Some(reply)
}

pub fn role_word(role: Role) -> Word {
    match role {
        Role::Owner => Word::RoleOwner,
        Role::Manager => Word::RoleManager,
        Role::Agent => Word::RoleAgent,
        Role::Viewer => Word::RoleViewer,
    }
}

fn clock(at: u64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    format!(
        "{:02}:{:02}:{:02}",
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

/// The status line's class and text.
pub fn status_text(view: &SyncView, lang: Lang) -> (&'static str, String) {
    let w = |k| word(k, lang);
    match &view.status {
        Status::Synced => ("ok", w(Word::Synced).to_owned()),
        Status::Pending { n } => ("muted", format!("{n} {}", w(Word::Pending))),
        Status::Offline { retry_at } => (
            "warn",
            format!("{} {}.", w(Word::Offline), clock(*retry_at)),
        ),
        Status::Error { code, what_to_do } => (
            "error",
            format!("{} ({code}): {}", w(Word::Error), w(*what_to_do)),
        ),
        Status::SignedOut if view.me.is_some() => ("muted", w(Word::Disconnected).to_owned()),
        Status::SignedOut => ("muted", w(Word::SignedOut).to_owned()),
    }
}

/// Keeps [`crate::state::AppState::team`] current and shows the status line under the header
/// once the shop is connected: asks at start, re-asks when the worker writes its state (the
/// store's announcements), and pokes the worker while the panel is open.
#[component]
pub fn TeamWatch() -> impl IntoView {
    let state = use_app();
    let team = state.team;
    let lang = state.lang;
    leptos::task::spawn_local(async move {
        ask_and_keep(team, &PanelToSync::Status).await;
        if state.team_connected() {
            ask_and_keep(team, &PanelToSync::Poke).await;
        }
    });
    crate::db::changes::listen(move |changed| {
        if changed
            .stores
            .iter()
            .any(|s| s == nobi_core::crm::schema::SYNC)
        {
            leptos::task::spawn_local(async move {
                ask_and_keep(team, &PanelToSync::Status).await;
            });
        }
    });
    // A local edit of what syncs goes out at once (the worker may be asleep: a message wakes it).
    // The hook is called from the first module: it sends a plain `{sync: "poke"}` and drops the
    // answer, so that no serde code of these types is pulled out of this chunk into it (that
    // cost the first module 17 KB gzip).
    crate::db::changes::on_own_write(move |stores| {
        let synced = nobi_core::sync::outgoing::SYNCED_STORES;
        if state.team_connected() && stores.iter().any(|s| synced.contains(s)) {
            let poke = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&poke, &"sync".into(), &"poke".into());
            let _ = runtime_send_message(&poke);
        }
    });
    let poke = set_interval_with_handle(
        move || {
            if state.team_connected() {
                leptos::task::spawn_local(async move {
                    ask_and_keep(team, &PanelToSync::Poke).await;
                });
            }
        },
        POKE_EVERY,
    )
    .ok();
    on_cleanup(move || {
        if let Some(p) = poke {
            p.clear();
        }
    });
    let retry = Action::new_local(move |_: &()| async move {
        ask_and_keep(team, &PanelToSync::Retry).await;
    });
    // Refusals older than the panel (minus ten minutes) were seen before, or are old news.
    let seen_until = RwSignal::new(js_sys::Date::now() as u64 - 600_000);
    move || {
        let view = team.get().filter(|v| v.me.is_some())?;
        let (class, text) = status_text(&view, lang.get());
        let failed = matches!(view.status, Status::Error { .. } | Status::Offline { .. });
        let refusal = view
            .refusals
            .last()
            .filter(|r| r.at > seen_until.get())
            .cloned();
        Some(view! {
            <p class=format!("sync-status small {class}") role="status" data-testid="sync-status">
                {text}
                {failed.then(|| view! {
                    " " <button class="link" data-testid="sync-retry" on:click=move |_| { retry.dispatch(()); }>
                        {move || word(Word::Retry, lang.get())}
                    </button>
                })}
            </p>
            {refusal.map(|r| {
                let at = r.at;
                view! {
                    <p class="sync-refusal small warn" role="alert" data-testid="sync-refusal">
                        {r.message(lang.get())}
                        " " <button class="link" data-testid="sync-refusal-seen" on:click=move |_| seen_until.set(at)>
                            {move || word(Word::Understood, lang.get())}
                        </button>
                    </p>
                }
            })}
        })
    }
}
