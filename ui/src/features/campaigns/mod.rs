//! Campaigns (issue 15): one message to many buyers, most of them outside the 24-hour window,
//! typed by the outbox in the agent's own browser, never twice to one buyer.
//!
//! Three screens under one tab, loaded as one chunk on first use ([`crate::lazy::campaigns_tab`]):
//! - [`runs`] — the campaigns: progress, time left, pause / resume / cancel, each recipient's
//!   outcome, the CSV report; and the opt-out words;
//! - [`new`] — a new campaign: audience (filters, a phone list, exclusions, who cannot be
//!   reached and why), content (template, images, product card, preview per recipient), pacing
//!   and quiet hours, start now or at a time;
//! - [`followups`] — conversations whose window closed or closes within the hour; one click sends
//!   them a template as a small campaign.
//!
//! The rules are core's (`nobi_core::campaign`); the worker runs the campaign
//! (`extension/background/src/campaigns.rs`); these screens only prepare, show and ask.

mod followups;
mod new;
mod runs;
mod shop;
mod worker;

use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::campaign::words::{word, Word};
use nobi_core::protocol::campaign::CampaignsToPanel;
use shop::Shop;
use std::rc::Rc;

/// Which campaign screen is shown.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Screen {
    Runs,
    New,
    FollowUps,
}

/// What the three screens share.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// The worker's campaigns, do-not-message threads and opt-out words.
    pub snapshot: RwSignal<Option<CampaignsToPanel>>,
    pub error: RwSignal<Option<String>>,
    pub screen: RwSignal<Screen>,
    /// The shop's customers as campaign facts, read when the tab opens.
    pub shop: LocalResource<Result<Rc<Shop>, String>>,
    /// Follow-up recipients handed over to the new-campaign screen.
    pub preset: RwSignal<Option<Vec<String>>>,
    pub lang: RwSignal<nobi_core::i18n::Lang>,
}

impl Ctx {
    /// The word `key` in the panel's language (tracked).
    pub fn w(&self, key: Word) -> &'static str {
        word(key, self.lang.get())
    }
}

pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

#[component]
pub fn CampaignsView() -> impl IntoView {
    let lang = use_app().lang;
    let snapshot = RwSignal::new(None);
    let error = RwSignal::new(None::<String>);
    worker::follow(snapshot, error, lang);
    let shop = LocalResource::new(move || async move {
        Shop::load().await.map(Rc::new).map_err(|e| e.to_string())
    });
    let ctx = Ctx {
        snapshot,
        error,
        screen: RwSignal::new(Screen::Runs),
        shop,
        preset: RwSignal::new(None),
        lang,
    };
    provide_context(ctx);
    // The lists are read again when the agent moves between the screens: a campaign just
    // started, or a buyer read meanwhile, shows.
    Effect::new(move |previous: Option<Screen>| {
        let now = ctx.screen.get();
        if previous.is_some_and(|p| p != now) {
            shop.refetch();
        }
        now
    });
    let w = move |key: Word| word(key, lang.get());
    let nav = move |which: Screen, key: Word, testid: &'static str| {
        view! {
            <button role="tab" data-testid=testid class:active=move || ctx.screen.get() == which
                aria-selected=move || (ctx.screen.get() == which).to_string()
                on:click=move |_| ctx.screen.set(which)>{move || w(key)}</button>
        }
    };
    view! {
        <section class="card campaigns" data-testid="campaigns">
            <div class="segmented" role="tablist">
                {nav(Screen::Runs, Word::Campaigns, "campaigns-nav-runs")}
                {nav(Screen::New, Word::NewCampaign, "campaigns-nav-new")}
                {nav(Screen::FollowUps, Word::FollowUps, "campaigns-nav-followups")}
            </div>
            <crate::widgets::ErrorLine error=error testid="campaigns-error"/>
            {move || match ctx.screen.get() {
                Screen::Runs => view! { <runs::Runs/> }.into_any(),
                Screen::New => view! { <new::NewCampaign/> }.into_any(),
                Screen::FollowUps => view! { <followups::FollowUps/> }.into_any(),
            }}
        </section>
    }
}
