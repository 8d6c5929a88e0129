//! The shell of the panel: it provides the [`AppState`] context, opens the store (a
//! [`LocalResource`]: "Đang tải…" until it is open, the store's error if it cannot be), follows
//! the conversation of its window ([`follow`]) and lays out the header, the tab shown and the
//! page's health.

mod follow;
mod header;
mod health;
mod help;

use crate::db;
use crate::db::store::StoreError;
use crate::features::card::CustomerCard;
use crate::features::composer::Composer;
use crate::lazy;
use crate::state::{AppState, Tab};
use leptos::prelude::*;
use nobi_core::crm::{ConversationRecord, Customer};
use nobi_core::i18n::{Lang, Ui};

/// Opens the store and loads what every screen reads into `state`.
async fn open_store(state: AppState) -> Result<(), StoreError> {
    db::open().await?;
    let stored = match db::settings().await {
        Ok(stored) => stored.unwrap_or_default(),
        Err(e) => {
            // Kept as they are on disk: the defaults work for this session, and no save of
            // them (a language switch) may overwrite what the shop chose (issue 13, point 12).
            web_sys::console::error_1(&e.to_string().into());
            state.settings_unreadable.set(true);
            state
                .error
                .set(Some(state.t(Ui::SettingsUnreadable).into()));
            Default::default()
        }
    };
    if let Some(code) = stored.lang.as_deref() {
        state.lang.set(Lang::from_tag(code));
    }
    state.settings.set(stored);
    state.tags.set(db::tags().await.unwrap_or_default());
    // Other panels (other windows) tell what they write; this one reads it again.
    db::changes::listen(move |changed| state.heard(changed));
    state.staff.set(db::staff().await.unwrap_or_default());
    // The catalog and the templates are read by the screens that use them (AppState::ensure_*),
    // which load as chunks: the card does not wait for them.
    Ok(())
}

#[component]
pub fn App() -> impl IntoView {
    let browser_lang = web_sys::window()
        .and_then(|w| w.navigator().language())
        .map(|tag| Lang::from_tag(&tag))
        .unwrap_or_default();
    let state = AppState::new(browser_lang);
    provide_context(state);
    let store_open = state.store_open;
    let opened = LocalResource::new(move || async move {
        let result = open_store(state).await;
        if let Err(e) = &result {
            web_sys::console::error_1(&e.to_string().into());
        }
        store_open.set(result.is_ok());
        result
    });
    let follow = follow::follow(state, store_open);
    let help = RwSignal::new(false);
    help::shortcuts(state, help);
    let lang = state.lang;
    view! {
        <main class="panel" lang=move || lang.get().code()>
            <header::Header help=help follow=follow/>
            {lazy::after_card(lazy::team_watch())}
            <ErrorBoundary fallback=move |_| view! { <p class="error" role="alert" data-testid="store-error">{move || state.t(Ui::StoreUnavailable)}</p> }>
                // Built here, once the store is open, and untracked: the screens belong to this
                // closure's owner (not to a future's), and nothing they read rebuilds them.
                {move || match opened.get() {
                    None => Ok(view! { <p class="muted loading" data-testid="loading">{move || state.t(Ui::Loading)}</p> }.into_any()),
                    Some(result) => result.map(|()| untrack(|| view! { <Screen follow=follow/> }.into_any())),
                }}
            </ErrorBoundary>
            {move || help.get().then(|| lazy::section(lazy::help(Callback::new(move |()| help.set(false)))))}
            <health::Health/>
        </main>
    }
}

/// The tab the agent chose.
#[component]
fn Screen(follow: follow::Follow) -> impl IntoView {
    let state = crate::state::use_app();
    let open_from_list = Callback::new(move |customer: Customer| {
        let id = customer.id.clone();
        state.tab.set(Tab::Customer);
        leptos::task::spawn_local(async move {
            let conversation = db::store()
                .by_index::<ConversationRecord>("by_customer", id.as_str())
                .await
                .ok()
                .and_then(|mut c| {
                    c.sort_by_key(|c| c.updated_at);
                    c.pop()
                });
            follow.show_customer(customer, conversation);
        });
    });
    move || match state.tab.get() {
        Tab::Customer => view! { <CustomerTab/> }.into_any(),
        Tab::List => lazy::loaded(lazy::customer_list(open_from_list)).into_any(),
        Tab::Campaigns => lazy::loaded(lazy::campaigns_tab()).into_any(),
        Tab::Products => lazy::loaded(lazy::products_tab()).into_any(),
        Tab::Templates => lazy::loaded(lazy::templates_tab()).into_any(),
        Tab::Data => lazy::loaded(lazy::data_tab()).into_any(),
    }
}

/// The customer tab: the composer of the open conversation (or, with none open, what is still
/// pending or failed anywhere), then the card of its customer.
#[component]
fn CustomerTab() -> impl IntoView {
    let state = crate::state::use_app();
    let thread = Memo::new(move |_| state.thread());
    // The card is built once per customer shown, not again on every edit (each edit sets the
    // customer): rebuilding it then would dispose sections whose effects are queued for that
    // very change. Another customer gets a fresh card (fields, drafts and all).
    let shown = Memo::new(move |_| state.customer.with(|c| c.as_ref().map(|c| c.id.clone())));
    view! {
        {move || match thread.get() {
            Some(_) => view! { <Composer/> }.into_any(),
            None => crate::lazy::after_card(crate::lazy::outbox_list(None)).into_any(),
        }}
        {move || match shown.get() {
            Some(_) => view! { <CustomerCard/> }.into_any(),
            None => view! { <EmptyState/> }.into_any(),
        }}
    }
}

#[component]
fn EmptyState() -> impl IntoView {
    let state = crate::state::use_app();
    view! {
        <section class="empty" data-testid="empty">
            <h2>{move || state.t(Ui::NoConversation)}</h2>
            <p>{move || state.t(Ui::NoConversationHint)}</p>
        </section>
    }
}
