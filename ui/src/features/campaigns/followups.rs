//! The follow-up list: conversations whose 24-hour window has closed, or closes within the
//! hour, with the buyer's last message unanswered — from what the extension has read. One click
//! sends the selected buyers a template as a small campaign; "more options" opens them in the
//! new-campaign screen.

use super::new::do_not_message;
use super::runs::act;
use super::shop::Shop;
use super::{use_ctx, Screen};
use crate::db::store::{new_id, now};
use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::campaign::audience::{Audience, Candidate, Reach};
use nobi_core::campaign::content::{freeze, Content};
use nobi_core::campaign::followup::{follow_ups, FollowUp, Window};
use nobi_core::campaign::words::{closed_ago, closes_in, word, Word, DEFAULT_NAME_FALLBACK};
use nobi_core::protocol::campaign::{
    Campaign, CampaignsToPanel, Goal, PanelToCampaigns, RecipientState, RunSettings,
};
use nobi_core::template::Vars;
use std::collections::HashSet;
use std::rc::Rc;

const HOUR_MS: u64 = 3_600_000;

#[component]
pub fn FollowUps() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Suspense fallback=move || view! { <p class="muted loading">{move || ctx.w(Word::Loading)}</p> }>
            {move || ctx.shop.get().map(|shop| match shop {
                Ok(shop) => view! { <List shop=shop/> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            })}
        </Suspense>
    }
}

/// One row per customer: the most urgent of their conversations; none for a customer a campaign
/// is still sending to, or sent to after their last message (they were followed up: a second
/// click would message them twice).
fn one_per_customer(list: Vec<FollowUp>, campaigns: &[Campaign]) -> Vec<FollowUp> {
    let mut seen = HashSet::new();
    list.into_iter()
        .filter(|u| {
            let followed = campaigns.iter().any(|c| {
                c.recipients.iter().any(|r| {
                    r.customer_id == u.customer_id
                        && match r.state {
                            RecipientState::Sent { at } => at >= u.last_message_at,
                            ref state => !state.is_final(),
                        }
                })
            });
            !followed
        })
        .filter(|u| seen.insert(u.customer_id.clone()))
        .collect()
}

#[component]
fn List(shop: Rc<Shop>) -> impl IntoView {
    let ctx = use_ctx();
    let app = use_app();
    let lang = app.lang;
    let w = move |k| word(k, lang.get());
    leptos::task::spawn_local(async move { app.ensure_templates().await });
    let shop = StoredValue::new_local(shop);
    let list = Memo::new(move |_| {
        let (threads, campaigns) = match ctx.snapshot.get() {
            Some(CampaignsToPanel::Campaigns {
                do_not_message,
                campaigns,
                ..
            }) => (do_not_message, campaigns),
            _ => (Vec::new(), Vec::new()),
        };
        shop.with_value(|shop| {
            let dnm = do_not_message(shop, &threads);
            one_per_customer(
                follow_ups(&shop.facts, now() as u64, HOUR_MS, &dnm),
                &campaigns,
            )
        })
    });
    let selected = RwSignal::new(HashSet::<String>::new());
    // One id per follow-up being prepared (see the new-campaign screen).
    let campaign_id = StoredValue::new(new_id());
    let text = RwSignal::new(String::new());
    // The template's images go with it, as in the composer.
    let image_ids = RwSignal::new(Vec::<String>::new());
    let error = RwSignal::new(None::<String>);
    // Who gets it, rendered now: the button counts them, and who is held back is said before.
    let frozen = Memo::new(move |_| {
        let chosen: Vec<FollowUp> = list.with(|l| {
            selected.with(|s| {
                l.iter()
                    .filter(|u| s.contains(&u.customer_id))
                    .cloned()
                    .collect()
            })
        });
        let audience = Audience {
            candidates: chosen
                .iter()
                .map(|u| Candidate {
                    customer_id: u.customer_id.clone(),
                    name: u.name.clone(),
                    reach: Reach::Thread {
                        to: u.to.clone(),
                        account: u.account.clone(),
                    },
                })
                .collect(),
            ..Audience::default()
        };
        // A follow-up is one click: a buyer with no name on file is greeted with the usual word.
        let content = Content {
            text: text.get(),
            attachments: image_ids.get(),
            fallback: Some(Vars {
                ten_khach: Some(DEFAULT_NAME_FALLBACK.to_owned()),
                ..Vars::default()
            }),
            ..Content::default()
        };
        shop.with_value(|s| freeze(&audience, &content, |id, to| s.vars(id, Some(to), None)))
    });
    let send = Action::new_local(move |(): &()| async move {
        let lang = lang.get_untracked();
        let frozen = frozen.get_untracked();
        if frozen.recipients.is_empty() {
            error.set(Some(word(Word::NobodyToSend, lang).into()));
            return;
        }
        let Some(files) = super::shop::campaign_files(&frozen.recipients).await else {
            error.set(Some(word(Word::ImageMissing, lang).into()));
            return;
        };
        let name = format!(
            "{} {}",
            word(Word::FollowUpCampaign, lang),
            crate::widgets::format::format_time(now())
        );
        let campaign = Campaign::draft(
            campaign_id.get_value().as_str(),
            &name,
            Goal::Care,
            RunSettings::default(),
            now() as u64,
        );
        let request = PanelToCampaigns::Start {
            campaign: Box::new(campaign),
            recipients: frozen.recipients,
            at: None,
            files,
        };
        if act(ctx, request).await {
            campaign_id.set_value(new_id());
            selected.set(HashSet::new());
            ctx.screen.set(Screen::Runs);
        }
    });
    let when = move |u: &FollowUp| {
        let l = lang.get();
        match u.window {
            Window::ClosingSoon { left_ms } => closes_in(left_ms, l),
            Window::Closed { ago_ms } => closed_ago(ago_ms, l),
        }
    };
    view! {
        <div class="followups" data-testid="followups">
            <p class="muted">{move || w(Word::FollowUpsHint)}</p>
            {move || list.with(Vec::is_empty).then(|| view! { <p class="muted" data-testid="followups-empty">{move || w(Word::NoFollowUps)}</p> })}
            {move || (!list.with(Vec::is_empty)).then(|| view! {
                <label class="check"><input type="checkbox" data-testid="followups-all"
                    prop:checked=move || list.with(|l| !l.is_empty() && selected.with(|s| l.iter().all(|u| s.contains(&u.customer_id))))
                    on:change=move |ev| {
                        let all = event_target_checked(&ev);
                        selected.set(if all { list.with_untracked(|l| l.iter().map(|u| u.customer_id.clone()).collect()) } else { HashSet::new() });
                    }/>{move || w(Word::SelectAll)}</label>
            })}
            <ul class="followup-list">
                <For each=move || list.get() key=|u| (u.customer_id.clone(), u.last_message_at) let:u>
                    {
                        let id = u.customer_id.clone();
                        let id2 = id.clone();
                        let closing = matches!(u.window, Window::ClosingSoon { .. });
                        view! {
                            <li class="followup-row" data-testid="followup-row" class:closing=closing>
                                <label class="check">
                                    <input type="checkbox" data-testid="followup-pick"
                                        prop:checked=move || selected.with(|s| s.contains(&id))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            let id = id2.clone();
                                            selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                                        }/>
                                    <span class="name">{nobi_core::text::for_display(&u.name)}</span>
                                </label>
                                <span class="muted" data-testid="followup-when">{
                                    let u = u.clone();
                                    move || format!("{} · {}", crate::widgets::format::platform_name(u.to.platform), when(&u))
                                }</span>
                            </li>
                        }
                    }
                </For>
            </ul>
            <label class="field"><span>{move || w(Word::Template)}</span>
                <select data-testid="followup-template" on:change=move |ev| {
                    let id = event_target_value(&ev);
                    if let Some(t) = app.templates.with_untracked(|ts| ts.iter().find(|t| t.id == id).cloned()) {
                        image_ids.set(t.image_ids.clone());
                        text.set(t.content);
                    }
                }>
                    <option value="">{move || w(Word::NoTemplate)}</option>
                    {move || app.templates.get().into_iter().map(|t| view! { <option value=t.id.clone()>{t.name.clone()}</option> }).collect_view()}
                </select></label>
            <textarea data-testid="followup-text" rows="3" placeholder=move || w(Word::TextPlaceholder)
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            {move || {
                let held: Vec<String> = frozen.with(|f| f.held_back.iter().map(|(_, name, _)| nobi_core::text::for_display(name).to_string()).collect());
                (!held.is_empty() && !text.with(|t| t.trim().is_empty())).then(|| view! {
                    <p class="warn" data-testid="followup-held">{format!("{} {}: {}", held.len(), w(Word::HeldCount), held.join(", "))}</p>
                })
            }}
            <crate::widgets::ErrorLine error=error testid="followup-error"/>
            <div class="row-actions">
                <button class="primary" data-testid="followup-send"
                    disabled=move || frozen.with(|f| f.recipients.is_empty()) || text.with(|t| t.trim().is_empty()) || send.pending().get()
                    on:click=move |_| { send.dispatch(()); }>
                    {move || format!("{} ({})", w(Word::SendFollowUp), frozen.with(|f| f.recipients.len()))}</button>
                <button data-testid="followup-more" disabled=move || selected.with(HashSet::is_empty)
                    on:click=move |_| {
                        ctx.preset.set(Some(selected.get_untracked().into_iter().collect()));
                        ctx.screen.set(Screen::New);
                    }>{move || w(Word::MoreOptions)}</button>
            </div>
        </div>
    }
}
