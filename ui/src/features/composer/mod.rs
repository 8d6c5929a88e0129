//! The panel's composer and the outbox of the open conversation.
//!
//! "Send" puts the message in the service worker's outbox ([`PanelToBackground::Enqueue`]) and
//! clears the draft once the worker has stored it: from then on the message is the outbox's,
//! which types it, retries what may be retried, and never types it twice. The list below the
//! composer shows every message to this conversation and its state, with retry and cancel.

mod outbox;
mod pacing;

pub use outbox::OutboxList;
pub use pacing::PacingSettings;

use crate::db::store::new_id;
use crate::state::ask_outbox;
use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::i18n::{ui, Lang, Ui};
use nobi_core::outbox::{NewItem, OutboxItem};
use nobi_core::protocol::{Attachment, PanelToBackground};
use outbox::state_text;

/// Replies an agent sends many times a day (templates add the shop's own).
const QUICK_REPLIES: &[&str] = &["Xin chào 👋 chị ơi", "Dạ shop cảm ơn chị ạ 🌸"];

/// The composer of the conversation the page shows.
#[component]
pub fn Composer() -> impl IntoView {
    let state = use_app();
    let (seen, outbox) = (state.seen, state.outbox);
    let lang = state.lang;
    let t = move |key: Ui| ui(key, lang.get());
    let Some(conversation) = seen.get_untracked() else {
        return ().into_any();
    };
    let thread = conversation.thread.clone();
    let account = conversation.account.clone();
    // Bound to the page's conversation and its own customer: the card may show another customer
    // (opened from the list, or a late link), whose name and phone must never reach this buyer.
    let bound_to = conversation.clone();
    let bound = Memo::new(move |_| {
        let owner = state.customer.with(|c| c.as_ref().map(|c| c.id.clone()));
        state.conversation.with(|r| {
            nobi_core::crm::link::record_is_of(r.as_ref(), &bound_to)
                // …and the card's customer is the one the record belongs to (a merge or a
                // relink in another window may have moved it).
                && r.as_ref().map(|r| &r.customer_id) == owner.as_ref()
        })
    });
    let card_customer = move || state.customer.with(|c| c.as_ref().map(|c| c.id.clone()));
    // The assignee of the page's thread as stored (team mode), for when the card shows another
    // customer.
    let page_assignee = RwSignal::new(None::<nobi_core::crm::Id>);
    {
        let record = nobi_core::crm::ConversationRecord::id_for(
            conversation.thread.platform,
            &conversation.thread.thread_id,
        );
        leptos::task::spawn_local(async move {
            if let Ok(Some(c)) = crate::db::store()
                .get::<nobi_core::crm::ConversationRecord>(record.as_str())
                .await
            {
                let _ = page_assignee.try_set(c.assignee);
            }
        });
    }
    // The name of the other agent who has this conversation (team mode), if any.
    let others_buyer = move || {
        let me = state.team.with_untracked(|v| {
            v.as_ref()
                .filter(|v| !matches!(v.status, nobi_core::sync::Status::SignedOut))
                .and_then(|v| v.me.as_ref().map(|m| m.user_id.clone()))
        })?;
        // The page's thread is who the message goes to: the card's record only when it is that
        // thread's (the card may show a customer opened from the list).
        let assignee = if bound.get_untracked() {
            state
                .conversation
                .with_untracked(|c| c.as_ref().and_then(|c| c.assignee.clone()))
        } else {
            page_assignee.get_untracked()
        }?;
        (assignee.as_str() != me).then(|| {
            state
                .staff
                .with_untracked(|s| s.iter().find(|s| s.id == assignee).map(|s| s.name.clone()))
                .unwrap_or_else(|| assignee.0.clone())
        })
    };
    let warned_for = RwSignal::new(None::<String>);
    // The customer a template in the draft was filled for, if any.
    let filled_for = RwSignal::new(None::<nobi_core::crm::Id>);
    let recipient = conversation
        .buyer_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| conversation.thread.thread_id.clone());
    let draft = RwSignal::new(String::new());
    let files = RwSignal::new(Vec::<Attachment>::new());
    let scheduling = RwSignal::new(false);
    let when = RwSignal::new(String::new());
    let last_id = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let enqueuing = RwSignal::new(false);
    // The id of an enqueue the worker did not confirm, with its text: sending the same draft again
    // reuses it, so a message the worker stored before failing to answer is not queued twice.
    let unconfirmed = RwSignal::new(None::<(String, String)>);
    let menu_open = RwSignal::new(false);
    let media_open = RwSignal::new(false);
    let warnings = RwSignal::new(Vec::<String>::new());
    // A template rendered for this buyer (by the menu's chunk): put in place of the "/shortcut"
    // (or appended), its images attached, the variables it could not fill reported.
    let use_template = Callback::new(
        move |rendered: crate::features::templates::insert::Rendered| {
            menu_open.set(false);
            if !bound.get_untracked() {
                error.set(Some(
                    ui(Ui::ComposerOtherCustomer, lang.get_untracked()).to_owned(),
                ));
                return;
            }
            filled_for.set(card_customer());
            draft.update(|d| *d = nobi_core::template::replace_shortcut(d, &rendered.text));
            files.update(|f| f.extend(rendered.images));
            warnings.set(rendered.warnings);
        },
    );
    // A memo: the menu (its own chunk) is built when it opens, not again on every keystroke.
    let show_menu = Memo::new(move |_| {
        menu_open.get() || draft.with(|d| nobi_core::template::shortcut_at(d).is_some())
    });

    // Hands a message to the worker's outbox; the draft goes only once the outbox has it stored.
    let enqueue = Action::new_local(
        move |(item, attached, attempted, l): &(
            NewItem,
            Vec<Attachment>,
            (String, String),
            Lang,
        )| {
            let (item, attached, attempted, l) =
                (item.clone(), attached.clone(), attempted.clone(), *l);
            let id = item.id.clone();
            async move {
                let stored = ask_outbox(
                    PanelToBackground::Enqueue {
                        item,
                        files: attached,
                    },
                    outbox,
                )
                .await
                    && outbox.with_untracked(|o| o.items.iter().any(|i| i.id == id));
                enqueuing.set(false);
                if stored {
                    // The outbox has it on disk: the draft can go.
                    unconfirmed.set(None);
                    draft.set(String::new());
                    files.set(Vec::new());
                    scheduling.set(false);
                    warnings.set(Vec::new());
                    filled_for.set(None);
                    last_id.set(Some(id));
                } else {
                    unconfirmed.set(Some(attempted));
                    error.set(Some(ui(Ui::WorkerUnreachable, l).to_owned()));
                }
            }
        },
    );
    let ask = Action::new_local(move |request: &PanelToBackground| {
        let request = request.clone();
        async move {
            ask_outbox(request, outbox).await;
        }
    });
    let send = move || {
        let text = draft.get_untracked();
        let attached = files.get_untracked();
        if (text.trim().is_empty() && attached.is_empty()) || enqueuing.get_untracked() {
            return;
        }
        let l = lang.get_untracked();
        // A draft filled from a template for another customer than the thread's is refused.
        if filled_for.get_untracked().is_some()
            && (!bound.get_untracked() || filled_for.get_untracked() != card_customer())
        {
            error.set(Some(ui(Ui::ComposerOtherCustomer, l).to_owned()));
            return;
        }
        let not_before = if scheduling.get_untracked() {
            match crate::widgets::local_ms(&when.get_untracked()) {
                Some(at) if at > js_sys::Date::now() as u64 => Some(at),
                Some(_) => {
                    error.set(Some(ui(Ui::SchedulePast, l).to_owned()));
                    return;
                }
                None => {
                    error.set(Some(ui(Ui::DateTimeInvalid, l).to_owned()));
                    return;
                }
            }
        } else {
            None
        };
        // Team mode: another agent has this buyer. The first press warns, a second one sends.
        if let Some(name) = others_buyer() {
            if warned_for.get_untracked().as_deref() != Some(name.as_str()) {
                warned_for.set(Some(name.clone()));
                error.set(Some(ui(Ui::OthersBuyer, l).replace("{name}", &name)));
                return;
            }
        }
        error.set(None);
        enqueuing.set(true);
        let id = match unconfirmed.get_untracked() {
            Some((id, same)) if same == text => id,
            _ => new_id().0,
        };
        let attempted = (id.clone(), text.clone());
        let item = NewItem {
            id: id.clone(),
            to: thread.clone(),
            account: account.clone(),
            text,
            attachments: Vec::new(),
            not_before,
        };
        enqueue.dispatch((item, attached, attempted, l));
    };
    let send_on_click = send.clone();
    let list_thread = conversation.thread.clone();
    let is_paused = move |item: &OutboxItem| {
        outbox.with(|o| o.paused.iter().any(|p| p.account == item.account_key()))
    };
    let status = move || {
        let id = last_id.get()?;
        let item = outbox.with(|o| o.items.iter().find(|i| i.id == id).cloned())?;
        let team_wait = outbox.with(|o| {
            o.team_waits
                .iter()
                .find(|(k, _)| *k == item.account_key())
                .map(|(_, w)| *w)
        });
        Some(state_text(&item, is_paused(&item), team_wait, lang.get()))
    };
    let platform = conversation.thread.platform;
    let account_pause = conversation.account.clone();
    let account_for_pause = move || account_pause.clone();
    let paused = move || {
        outbox.with(|o| {
            o.paused
                .iter()
                .find(|p| {
                    p.account.platform == platform && p.account.account == account_for_pause()
                })
                .cloned()
        })
    };

    view! {
        <section class="composer">
            <p class="small composer-to" data-testid="composer-to">
                {move || t(Ui::SendsTo)} " " <bdi>{nobi_core::text::for_display(&recipient)}</bdi>
            </p>
            {move || (!bound.get()).then(|| view! {
                <p class="warn small" role="status" data-testid="composer-other-customer">{t(Ui::ComposerOtherCustomer)}</p>
            })}
            {move || paused().map(|p| {
                let account = p.account.clone();
                view! {
                    <div class="error" role="alert" data-testid="outbox-paused">
                        <p>{t(Ui::Paused)}</p>
                        <button data-testid="outbox-resume" on:click=move |_| {
                            ask.dispatch(PanelToBackground::OutboxResume { account: account.clone() });
                        }>{t(Ui::Resume)}</button>
                    </div>
                }
            })}
            <div class="quick" aria-label=move || t(Ui::QuickReplies)>
                {QUICK_REPLIES
                    .iter()
                    .map(|reply| {
                        view! {
                            <button class="chip" on:click=move |_| draft.set((*reply).to_owned())>
                                {*reply}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="composer-tools">
                <button class="chip" data-testid="tpl-button" on:click=move |_| menu_open.update(|o| *o = !*o)>{move || t(Ui::TabTemplates)}</button>
                <button class="chip" data-testid="media-button" on:click=move |_| media_open.update(|o| *o = !*o)>"🖼"</button>
                {crate::lazy::after_card(crate::lazy::emoji_picker(Callback::new(move |emoji: String| draft.update(|d| d.push_str(&emoji)))))}
            </div>
            {move || show_menu.get().then(|| crate::lazy::loaded(crate::lazy::template_menu(
                Signal::derive(move || draft.get()),
                use_template,
                Callback::new(move |()| menu_open.set(false)),
            )))}
            {move || media_open.get().then(|| {
                let on_pick = Callback::new(move |item: nobi_core::crm::MediaItem| {
                    files.update(|f| f.push(crate::db::media::to_attachment(&item)));
                    media_open.set(false);
                });
                crate::lazy::loaded(crate::lazy::media_picker(on_pick))
            })}
            <textarea
                id="composer"
                data-testid="composer"
                rows="3"
                placeholder=move || t(Ui::ComposerPlaceholder)
                prop:value=move || draft.get()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    if text.trim().is_empty() {
                        filled_for.set(None);
                    }
                    draft.set(text)
                }
                on:keydown=move |ev| {
                    if crate::widgets::is_send_shortcut(&ev) {
                        ev.prevent_default();
                        send();
                    }
                }
            ></textarea>
            {move || (!files.with(Vec::is_empty)).then(|| view! {
                <div class="chips" data-testid="composer-files">
                    <span class="muted small">{t(Ui::Attachments)} ": "</span>
                    {files.get().into_iter().enumerate().map(|(i, f)| view! {
                        <span class="chip">{f.name.clone()}
                            <button class="icon" aria-label=t(Ui::Delete) on:click=move |_| files.update(|fs| { if i < fs.len() { fs.remove(i); } })>"×"</button>
                        </span>
                    }).collect_view()}
                </div>
            })}
            <div class="composer-actions">
                <label class="check small">
                    <input type="checkbox" data-testid="schedule" prop:checked=move || scheduling.get()
                        on:change=move |ev| scheduling.set(event_target_checked(&ev))/>
                    {move || t(Ui::ScheduleSend)}
                </label>
                {move || scheduling.get().then(|| view! {
                    <crate::widgets::DateTimeInput value=when lang=lang testid="schedule-at"/>
                })}
                <span class="status" data-testid="send-status" role="status">{status}</span>
                <button
                    class="send"
                    data-testid="send"
                    disabled=move || enqueuing.get()
                    on:click=move |_| send_on_click()
                >
                    {move || t(Ui::Send)}
                </button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="composer-error">{e}</p> })}
            {move || (!warnings.with(Vec::is_empty)).then(|| view! {
                <ul class="warn small" data-testid="composer-warnings">
                    {warnings.get().into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
                </ul>
            })}
            {crate::lazy::after_card(crate::lazy::outbox_list(Some(list_thread)))}
        </section>
    }
    .into_any()
}
