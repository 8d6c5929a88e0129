//! Settings → "Kết nối máy chủ của shop": the server's address and the invitation code; once
//! connected, who the agent is, their role and pages, the sync status, and "Ngắt kết nối"
//! (local data kept, no longer synced).
//!
//! Chrome's access to the server is asked for on the click that connects (a permission prompt
//! needs the agent's gesture), not at install: `optional_host_permissions` in the manifest.

use super::{ask_and_keep, role_word, status_text};
use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::sync::team::{normalize_server, permission_pattern, PanelToSync, SyncReply};
use nobi_core::sync::words::{word, Word};
use nobi_core::sync::Status;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "permissions"], js_name = request, catch)]
    fn permissions_request(permissions: &JsValue) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "permissions"], js_name = remove, catch)]
    fn permissions_remove(permissions: &JsValue) -> Result<js_sys::Promise, JsValue>;
}

fn origins(pattern: &str) -> Option<JsValue> {
    let origins = js_sys::Array::of1(&JsValue::from_str(pattern));
    let permissions = js_sys::Object::new();
    js_sys::Reflect::set(&permissions, &"origins".into(), &origins).ok()?;
    Some(permissions.into())
}

/// Asks Chrome for access to `pattern`; must run in the click's turn (before any await).
fn request_access(pattern: &str) -> Option<js_sys::Promise> {
    permissions_request(&origins(pattern)?).ok()
}

/// Gives the access back once disconnected (a permission declared in the manifest cannot be,
/// and stays).
async fn release_access(pattern: &str) {
    if let Some(p) = origins(pattern).and_then(|o| permissions_remove(&o).ok()) {
        let _ = JsFuture::from(p).await;
    }
}

#[derive(Clone, PartialEq)]
enum Problem {
    Word(Word),
    /// The server's refusal: its code and, in Vietnamese when it gave one, its message.
    Server(String, String),
}

#[component]
pub fn TeamSettings() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let team = state.team;
    let w = move |k: Word| word(k, lang.get());
    let server = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        ask_and_keep(team, &PanelToSync::Status).await;
        if let Some(s) = team.get_untracked().and_then(|v| v.server) {
            server.set(s);
        }
    });

    let connect = move |_| {
        problem.set(None);
        let Some(url) = normalize_server(&server.get_untracked()) else {
            problem.set(Some(Problem::Word(Word::BadServerUrl)));
            return;
        };
        let invitation = code.get_untracked().trim().to_owned();
        if invitation.is_empty() {
            problem.set(Some(Problem::Word(Word::CodeMissing)));
            return;
        }
        // In the click's turn: Chrome shows its prompt only for a user gesture.
        let granted = permission_pattern(&url).and_then(|p| request_access(&p));
        busy.set(true);
        leptos::task::spawn_local(async move {
            let allowed = match granted {
                Some(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_bool()) == Some(true),
                None => false,
            };
            if !allowed {
                problem.set(Some(Problem::Word(Word::PermissionRefused)));
                busy.set(false);
                return;
            }
            let request = PanelToSync::Connect {
                server: url,
                code: invitation,
            };
            match ask_and_keep(team, &request).await {
                Some(SyncReply::View { .. }) => code.set(String::new()),
                Some(SyncReply::Failed { word }) => problem.set(Some(Problem::Word(word))),
                Some(SyncReply::Refused {
                    code: c, message, ..
                }) => problem.set(Some(Problem::Server(c, message))),
                Some(SyncReply::Assigned { .. }) | None => {
                    problem.set(Some(Problem::Word(Word::Unreachable)))
                }
            }
            busy.set(false);
        });
    };
    let sign_out = Action::new_local(move |_: &()| async move {
        let server = team.get_untracked().and_then(|v| v.server);
        ask_and_keep(team, &PanelToSync::SignOut).await;
        if let Some(pattern) = server.as_deref().and_then(permission_pattern) {
            release_access(&pattern).await;
        }
    });

    let problem_text = move || {
        problem.get().map(|p| match p {
            Problem::Word(k) => w(k).to_owned(),
            Problem::Server(c, _) => match c.as_str() {
                "bad_invitation" => w(Word::InvitationBad).to_owned(),
                "invitation_used" => w(Word::InvitationUsed).to_owned(),
                "invitation_expired" => w(Word::InvitationExpired).to_owned(),
                _ => {
                    let todo = nobi_core::sync::words::what_to_do(&c);
                    format!("{} ({c}): {}", w(Word::Error), w(todo))
                }
            },
        })
    };
    let signed_in = move || {
        team.get()
            .filter(|v| v.me.is_some() && !matches!(v.status, Status::SignedOut))
    };

    view! {
        <section class="card team" data-testid="team-settings">
            <h3>{move || w(Word::TeamTitle)}</h3>
            {move || match signed_in() {
                Some(view) => {
                    let me = view.me.clone().unwrap_or_else(|| unreachable!());
                    let (class, text) = status_text(&view, lang.get());
                    let pages = me.pages.iter().map(|p| view! {
                        <li>{p.name.clone()} <span class="muted small">" · " {p.platform.clone()} " · " {p.external_id.clone()}</span></li>
                    }).collect_view();
                    let no_pages = me.pages.is_empty();
                    view! {
                        <p data-testid="team-me">
                            {w(Word::SignedInAs)} " " <b>{me.name.clone()}</b>
                            " (" <span data-testid="team-role">{w(role_word(me.role))}</span> ") · "
                            {w(Word::ShopLabel)} " " <b>{me.shop_name.clone()}</b>
                        </p>
                        <p class="muted small">{view.server.clone().unwrap_or_default()}</p>
                        <p class=format!("small {class}") data-testid="team-status">{text}</p>
                        {(view.unplaced > 0).then(|| view! { <p class="warn small" data-testid="team-unplaced">{view.unplaced} " " {w(Word::Unplaced)}</p> })}
                        {(view.rejected > 0).then(|| view! { <p class="warn small">{view.rejected} " " {w(Word::Rejected)}</p> })}
                        <h4>{w(Word::YourPages)}</h4>
                        {if no_pages {
                            view! { <p class="warn small" data-testid="team-no-pages">{w(Word::NoPages)}</p> }.into_any()
                        } else {
                            view! { <ul class="small" data-testid="team-pages">{pages}</ul> }.into_any()
                        }}
                        <button data-testid="team-disconnect" on:click=move |_| { sign_out.dispatch(()); }>
                            {w(Word::Disconnect)}
                        </button>
                    }.into_any()
                }
                None => view! {
                    <p class="muted small">{w(Word::TeamIntro)}</p>
                    {move || team.get().filter(|v| v.me.is_some()).map(|_| view! {
                        <p class="muted small" data-testid="team-disconnected">{w(Word::Disconnected)}</p>
                    })}
                    <label>{w(Word::ServerUrl)}
                        <input type="url" inputmode="url" placeholder="https://crm.shop.vn" data-testid="team-server"
                            prop:value=move || server.get() on:input=move |e| server.set(event_target_value(&e))/>
                    </label>
                    <label>{w(Word::InvitationCode)}
                        <input type="text" autocomplete="off" data-testid="team-code"
                            prop:value=move || code.get() on:input=move |e| code.set(event_target_value(&e))/>
                    </label>
                    <button class="primary" data-testid="team-connect" disabled=move || busy.get() on:click=connect>
                        {move || if busy.get() { w(Word::Connecting) } else { w(Word::Connect) }}
                    </button>
                }.into_any(),
            }}
            {move || problem_text().map(|text| view! { <p class="error" role="alert" data-testid="team-error">{text}</p> })}
        </section>
    }
}
