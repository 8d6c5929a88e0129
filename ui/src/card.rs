//! The customer card: who the buyer of the open conversation is, editable in place.
//!
//! Every edit is one [`crm::save`] (customer, conversation and history entries in one
//! transaction). The signals are set only once the write succeeded, so what the card shows is
//! what is stored; a failed write leaves the agent's input in its field and shows why.

use crate::chrome;
use crate::crm;
use crate::store::{new_id, now};
use leptos::prelude::*;
use leptos::task::spawn_local;
use nobi_core::crm::{
    ConversationRecord, ConversationStatus, Customer, CustomerAddress, Date, Gender, HistoryEntry,
    HistoryKind, Id, Note, Source, Staff, Tag,
};
use nobi_core::i18n::{ui, Lang, Ui};
use nobi_core::phone::{extract_phones, parse_phone};
use nobi_core::protocol::{BackgroundToPanel, Direction, PanelToBackground, Platform, ThreadRef};

/// Shared state of the card, all `Copy` signals.
#[derive(Clone, Copy)]
pub struct CardState {
    pub lang: RwSignal<Lang>,
    pub customer: RwSignal<Option<Customer>>,
    pub conversation: RwSignal<Option<ConversationRecord>>,
    pub tags: RwSignal<Vec<Tag>>,
    pub staff: RwSignal<Vec<Staff>>,
    pub history: RwSignal<Vec<HistoryEntry>>,
    /// The last save error, shown above the card until the next successful save.
    pub error: RwSignal<Option<String>>,
    /// Texts of the buyer's messages read from the page (phones and addresses are offered from them).
    pub buyer_messages: RwSignal<Vec<String>>,
    /// The product catalog (orders reserve its stock).
    pub catalog: RwSignal<nobi_core::order::catalog::Catalog>,
    pub settings: RwSignal<nobi_core::crm::Settings>,
    /// The worker's outbox, as last reported.
    pub outbox: RwSignal<crate::composer::OutboxView>,
}

impl CardState {
    fn t(&self, key: Ui) -> &'static str {
        ui(key, self.lang.get())
    }

    /// Applies `change` to a copy of the customer (and conversation), saves, then shows it.
    fn edit(
        self,
        change: impl FnOnce(&mut Customer, &mut Option<ConversationRecord>) -> Vec<HistoryEntry>
            + 'static,
    ) {
        let (Some(mut customer), mut conversation) = (
            self.customer.get_untracked(),
            self.conversation.get_untracked(),
        ) else {
            return;
        };
        let mut history = change(&mut customer, &mut conversation);
        // "Processed" follows tags and replies (see ConversationStatus::derive).
        if let Some(record) = conversation.as_mut() {
            let derived = record
                .status
                .derive(!customer.tags.is_empty(), record.replied);
            if derived != record.status {
                history.push(crm::history_entry(
                    &customer,
                    Some(record),
                    HistoryKind::Status,
                    Some(record.status.code().into()),
                    Some(derived.code().into()),
                    None,
                ));
                record.status = derived;
            }
        }
        spawn_local(async move {
            match crm::save(&mut customer, conversation.as_mut(), &history).await {
                Ok(()) => {
                    self.error.set(None);
                    self.customer.set(Some(customer));
                    if conversation.is_some() {
                        self.conversation.set(conversation);
                    }
                    if !history.is_empty() {
                        self.history.update(|h| {
                            for entry in history.into_iter().rev() {
                                h.insert(0, entry);
                            }
                        });
                    }
                }
                Err(e) => {
                    web_sys::console::error_1(&e.to_string().into());
                    self.error
                        .set(Some(ui(Ui::SaveFailed, self.lang.get_untracked()).into()));
                }
            }
        });
    }
}

fn status_label(status: ConversationStatus) -> Ui {
    match status {
        ConversationStatus::Processing => Ui::StatusProcessing,
        ConversationStatus::Processed => Ui::StatusProcessed,
        ConversationStatus::Done => Ui::StatusDone,
    }
}

/// dd/mm/yyyy hh:mm in the browser's time zone.
pub fn format_time(at: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    format!(
        "{:02}/{:02}/{:04} {:02}:{:02}",
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year(),
        d.get_hours(),
        d.get_minutes()
    )
}

pub fn platform_name(platform: Platform) -> &'static str {
    match platform {
        Platform::Instagram => "Instagram",
        Platform::Facebook => "Facebook",
        Platform::Messenger => "Messenger",
        Platform::BusinessSuite => "Business Suite",
    }
}

/// Reads the buyer's messages of `thread` from its page, for phones and addresses to offer, and
/// marks the conversation replied when the last message is the shop's.
pub fn read_chat(state: CardState, thread: ThreadRef) {
    spawn_local(async move {
        let reply = chrome::ask(&PanelToBackground::ReadMessages {
            thread,
            older_pages: 0,
        })
        .await;
        let Ok(BackgroundToPanel::Messages { messages, .. }) = reply else {
            return;
        };
        let replied = messages
            .last()
            .is_some_and(|m| m.direction == Direction::Out);
        state.buyer_messages.set(
            messages
                .into_iter()
                .filter(|m| m.direction == Direction::In && !m.text.is_empty())
                .map(|m| m.text)
                .collect(),
        );
        let known = state
            .conversation
            .with_untracked(|c| c.as_ref().map(|c| c.replied));
        if known.is_some_and(|r| r != replied) {
            state.edit(move |_, conversation| {
                if let Some(c) = conversation.as_mut() {
                    c.replied = replied;
                    c.unread = false;
                    c.last_message_at = Some(now());
                }
                Vec::new()
            });
        }
    });
}

#[component]
pub fn CustomerCard(state: CardState) -> impl IntoView {
    let t = move |key: Ui| state.t(key);
    view! {
        <div class="card-stack" data-testid="customer-card">
            {move || state.error.get().map(|e| view! { <p class="error" role="alert" data-testid="card-error">{e}</p> })}
            <Identity state=state/>
            <Phones state=state/>
            <Emails state=state/>
            <Personal state=state/>
            <Tags state=state/>
            <Fields state=state/>
            <Addresses state=state/>
            <crate::orders::OrdersSection state=state/>
            <Notes state=state/>
            <SamePhone state=state/>
            <section class="card" data-testid="history">
                <h3>{move || t(Ui::History)}</h3>
                {move || {
                    let entries = state.history.get();
                    if entries.is_empty() {
                        return view! { <p class="muted">{t(Ui::HistoryEmpty)}</p> }.into_any();
                    }
                    view! {
                        <ul class="history">
                            {entries
                                .into_iter()
                                .take(30)
                                .map(|h| {
                                    let label = match h.kind {
                                        HistoryKind::TagAdded => Ui::HistTagAdded,
                                        HistoryKind::TagRemoved => Ui::HistTagRemoved,
                                        HistoryKind::Assignee => Ui::HistAssignee,
                                        HistoryKind::Status => Ui::HistStatus,
                                        HistoryKind::Merged => Ui::HistMerged,
                                    };
                                    let show = move |v: Option<String>| {
                                        v.map(|v| match v.as_str() {
                                            "processing" => t(Ui::StatusProcessing).to_owned(),
                                            "processed" => t(Ui::StatusProcessed).to_owned(),
                                            "done" => t(Ui::StatusDone).to_owned(),
                                            _ => v,
                                        })
                                        .unwrap_or_else(|| "—".into())
                                    };
                                    let from = show(h.from);
                                    let to = show(h.to);
                                    view! {
                                        <li>
                                            <span class="muted">{format_time(h.at)}</span>
                                            " " {t(label)} ": " {from} " → " {to}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            </section>
        </div>
    }
}

#[component]
fn Identity(state: CardState) -> impl IntoView {
    let t = move |key: Ui| state.t(key);
    let name = move || {
        state
            .customer
            .with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default())
    };
    let editing = RwSignal::new(false);
    let save_name = move |value: String| {
        let value = value.trim().to_owned();
        if value.is_empty() || value == name() {
            return;
        }
        state.edit(move |c, _| {
            c.name = value;
            Vec::new()
        });
    };
    view! {
        <section class="card identity">
            <div class="identity-row">
                {move || {
                    state
                        .customer
                        .with(|c| c.as_ref().and_then(|c| c.avatar_url.clone()))
                        .filter(|u| u.starts_with("https://"))
                        .map(|src| view! { <img class="avatar" src=src alt="" referrerpolicy="no-referrer"/> })
                }}
                {move || if editing.get() {
                    view! {
                        <input
                            class="name-input"
                            data-testid="customer-name"
                            aria-label=t(Ui::CustomerName)
                            prop:value=name
                            on:change=move |ev| { save_name(event_target_value(&ev)); editing.set(false); }
                            on:keydown=move |ev| if ev.key() == "Escape" { editing.set(false) }
                            on:blur=move |_| editing.set(false)
                        />
                    }.into_any()
                } else {
                    view! {
                        <h2 class="buyer-name" data-testid="buyer-name">{name}</h2>
                        <button class="link" data-testid="edit-name" title=t(Ui::Edit) on:click=move |_| editing.set(true)>"✎"</button>
                    }.into_any()
                }}
            </div>
            <div class="meta">
                {move || {
                    state
                        .customer
                        .with(|c| c.as_ref().map(|c| c.identities.clone()).unwrap_or_default())
                        .into_iter()
                        .map(|i| {
                            let label = match &i.username {
                                Some(u) => format!("{} @{}", platform_name(i.platform), u.trim_start_matches('@')),
                                None => platform_name(i.platform).to_owned(),
                            };
                            match i.profile_url.as_deref().and_then(nobi_core::platform::safe_profile_link) {
                                Some(href) => view! {
                                    <a class="badge" data-testid="identity" href=href target="_blank" rel="noopener noreferrer" title=t(Ui::OpenProfile)>{label}</a>
                                }.into_any(),
                                None => view! { <span class="badge" data-testid="identity">{label}</span> }.into_any(),
                            }
                        })
                        .collect_view()
                }}
            </div>
        </section>
    }
}

#[component]
fn Phones(state: CardState) -> impl IntoView {
    let t = move |key: Ui| state.t(key);
    let draft = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);
    let add = move |number: String, source: Source| {
        state.edit(move |c, _| {
            c.add_phone(&number, source, now());
            Vec::new()
        });
    };
    let add_typed = move || match parse_phone(&draft.get_untracked()) {
        Some(found) => {
            invalid.set(false);
            draft.set(String::new());
            add(found.number, Source::Manual);
        }
        None => invalid.set(true),
    };
    // Phones in the buyer's messages that the customer does not have yet.
    let offered = move || {
        let have = state
            .customer
            .with(|c| c.as_ref().map(|c| c.phone_keys.clone()).unwrap_or_default());
        let mut found: Vec<String> = Vec::new();
        state.buyer_messages.with(|messages| {
            for text in messages {
                for phone in extract_phones(text) {
                    if !have.contains(&phone.number) && !found.contains(&phone.number) {
                        found.push(phone.number);
                    }
                }
            }
        });
        found
    };
    view! {
        <section class="card" data-testid="phones">
            <h3>{move || t(Ui::Phones)}</h3>
            <ul class="rows">
                {move || {
                    state
                        .customer
                        .with(|c| c.as_ref().map(|c| c.phones.clone()).unwrap_or_default())
                        .into_iter()
                        .map(|p| {
                            let number = p.number.clone();
                            let remove = p.number.clone();
                            view! {
                                <li data-testid="phone">
                                    <a class="phone" href=format!("tel:{}", p.number)>{nobi_core::phone::display(&p.number)}</a>
                                    {p.primary.then(|| view! { <span class="badge primary" data-testid="primary">{t(Ui::PrimaryPhone)}</span> })}
                                    {(!p.primary).then(|| view! {
                                        <button class="link" on:click=move |_| {
                                            let n = number.clone();
                                            state.edit(move |c, _| { c.set_primary_phone(&n); Vec::new() });
                                        }>{t(Ui::MakePrimary)}</button>
                                    })}
                                    <button class="icon" title=t(Ui::Delete) aria-label=t(Ui::Delete) on:click=move |_| {
                                        let n = remove.clone();
                                        state.edit(move |c, _| { c.remove_phone(&n); Vec::new() });
                                    }>"×"</button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <div class="offered" data-testid="phones-in-chat">
                {move || {
                    let found = offered();
                    (!found.is_empty()).then(|| view! {
                        <span class="muted">{t(Ui::PhonesInChat)} ": "</span>
                        {found.into_iter().map(|n| {
                            let number = n.clone();
                            view! {
                                <button class="chip add" data-testid="capture-phone" on:click=move |_| add(number.clone(), Source::Chat)>
                                    "+ " {nobi_core::phone::display(&n)}
                                </button>
                            }
                        }).collect_view()}
                    })
                }}
            </div>
            <div class="add-row">
                <input
                    data-testid="phone-input"
                    inputmode="tel"
                    placeholder=move || t(Ui::AddPhone)
                    prop:value=move || draft.get()
                    on:input=move |ev| { draft.set(event_target_value(&ev)); invalid.set(false); }
                    on:keydown=move |ev| if crate::widgets::is_plain_enter(&ev) { add_typed() }
                />
                <button on:click=move |_| add_typed()>{move || t(Ui::AddPhone)}</button>
            </div>
            {move || invalid.get().then(|| view! { <p class="error" role="alert">{t(Ui::PhoneInvalid)}</p> })}
        </section>
    }
}

#[component]
fn Emails(state: CardState) -> impl IntoView {
    let t = move |key: Ui| state.t(key);
    let draft = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);
    let add = move || {
        let Some(email) = nobi_core::crm::email_address(&draft.get_untracked()) else {
            invalid.set(true);
            return;
        };
        draft.set(String::new());
        state.edit(move |c, _| {
            if !c.emails.contains(&email) {
                c.emails.push(email);
            }
            Vec::new()
        });
    };
    view! {
        <section class="card" data-testid="emails">
            <h3>{move || t(Ui::Emails)}</h3>
            <ul class="rows">
                {move || state.customer.with(|c| c.as_ref().map(|c| c.emails.clone()).unwrap_or_default())
                    .into_iter()
                    .map(|e| {
                        let remove = e.clone();
                        view! {
                            <li>{e}
                                <button class="icon" aria-label=t(Ui::Delete) on:click=move |_| {
                                    let r = remove.clone();
                                    state.edit(move |c, _| { c.emails.retain(|x| *x != r); Vec::new() });
                                }>"×"</button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <div class="add-row">
                <input type="email" data-testid="email-input" placeholder=move || t(Ui::AddEmail)
                    prop:value=move || draft.get()
                    on:input=move |ev| { draft.set(event_target_value(&ev)); invalid.set(false); }
                    on:keydown=move |ev| if crate::widgets::is_plain_enter(&ev) { add() }
                />
                <button on:click=move |_| add()>{move || t(Ui::AddEmail)}</button>
            </div>
            {move || invalid.get().then(|| view! { <p class="error" role="alert">{t(Ui::EmailInvalid)}</p> })}
        </section>
    }
}

#[component]
fn Personal(state: CardState) -> impl IntoView {
    let t = move |key: Ui| state.t(key);
    let birthday = move || state.customer.with(|c| c.as_ref().and_then(|c| c.birthday));
    let gender = move || match state.customer.with(|c| c.as_ref().and_then(|c| c.gender)) {
        Some(Gender::Female) => "female",
        Some(Gender::Male) => "male",
        Some(Gender::Other) => "other",
        None => "",
    };
    view! {
        <section class="card grid2">
            <label>{move || t(Ui::Birthday)}
                <crate::widgets::DateInput value=Signal::derive(birthday) lang=state.lang testid="birthday"
                    on_change=Callback::new(move |value: Option<Date>| {
                        state.edit(move |c, _| { c.birthday = value; Vec::new() });
                    })/>
            </label>
            <label>{move || t(Ui::Gender)}
                <select data-testid="gender" prop:value=gender on:change=move |ev| {
                    let value = match event_target_value(&ev).as_str() {
                        "female" => Some(Gender::Female),
                        "male" => Some(Gender::Male),
                        "other" => Some(Gender::Other),
                        _ => None,
                    };
                    state.edit(move |c, _| { c.gender = value; Vec::new() });
                }>
                    <option value="">{move || t(Ui::GenderUnset)}</option>
                    <option value="female">{move || t(Ui::GenderFemale)}</option>
                    <option value="male">{move || t(Ui::GenderMale)}</option>
                    <option value="other">{move || t(Ui::GenderOther)}</option>
                </select>
            </label>
        </section>
    }
}

#[component]
fn Tags(state: CardState) -> impl IntoView {
    let t = move |key: Ui| state.t(key);
    let query = RwSignal::new(String::new());
    let tag_of = move |id: &Id| {
        state
            .tags
            .with(|tags| tags.iter().find(|t| &t.id == id).cloned())
    };
    let attach = move |tag: Tag| {
        query.set(String::new());
        state.edit(move |c, conversation| {
            if c.tags.contains(&tag.id) {
                return Vec::new();
            }
            c.tags.push(tag.id.clone());
            vec![crm::history_entry(
                c,
                conversation.as_ref(),
                HistoryKind::TagAdded,
                None,
                Some(tag.name.clone()),
                None,
            )]
        });
    };
    let pick = move || {
        let q = query.get_untracked().trim().to_owned();
        if q.is_empty() {
            return;
        }
        let folded = nobi_core::crm::fold(&q);
        let existing = state.tags.with_untracked(|tags| {
            tags.iter()
                .find(|t| nobi_core::crm::fold(&t.name) == folded)
                .cloned()
        });
        match existing {
            Some(tag) => attach(tag),
            None => {
                let count = state.tags.with_untracked(Vec::len);
                spawn_local(async move {
                    match crm::create_tag(&q, count).await {
                        Ok(tag) => {
                            state.tags.update(|tags| tags.push(tag.clone()));
                            attach(tag);
                        }
                        Err(_) => state
                            .error
                            .set(Some(ui(Ui::SaveFailed, state.lang.get_untracked()).into())),
                    }
                });
            }
        }
    };
    let suggestions = move || {
        let q = nobi_core::crm::fold(&query.get());
        let have = state
            .customer
            .with(|c| c.as_ref().map(|c| c.tags.clone()).unwrap_or_default());
        state.tags.with(|tags| {
            tags.iter()
                .filter(|t| {
                    !have.contains(&t.id)
                        && (q.is_empty() || nobi_core::crm::fold(&t.name).contains(&q))
                })
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="card" data-testid="tags">
            <h3>{move || t(Ui::Tags)}</h3>
            <div class="chips">
                {move || state.customer.with(|c| c.as_ref().map(|c| c.tags.clone()).unwrap_or_default())
                    .into_iter()
                    .filter_map(|id| tag_of(&id))
                    .map(|tag| {
                        let removed = tag.clone();
                        view! {
                            <span class="tag" data-testid="tag" style=format!("--tag:{}", tag.display_color())>
                                {tag.name.clone()}
                                <button class="icon" aria-label=t(Ui::RemoveTag) on:click=move |_| {
                                    let tag = removed.clone();
                                    state.edit(move |c, conversation| {
                                        c.tags.retain(|id| *id != tag.id);
                                        vec![crm::history_entry(c, conversation.as_ref(), HistoryKind::TagRemoved, Some(tag.name.clone()), None, None)]
                                    });
                                }>"×"</button>
                            </span>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="add-row">
                <input data-testid="tag-input" placeholder=move || t(Ui::AddTag)
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                    on:keydown=move |ev| if crate::widgets::is_plain_enter(&ev) { pick() }
                />
                <button on:click=move |_| pick()>{move || t(Ui::CreateTag)}</button>
            </div>
            <div class="chips">
                {move || suggestions().into_iter().map(|tag| {
                    let chosen = tag.clone();
                    view! {
                        <button class="chip" style=format!("--tag:{}", tag.display_color()) on:click=move |_| attach(chosen.clone())>
                            {tag.name.clone()}
                        </button>
                    }
                }).collect_view()}
            </div>
        </section>
    }
}

#[component]
fn Fields(state: CardState) -> impl IntoView {
    let t = move |key: Ui| state.t(key);
    let field = move |get: fn(&ConversationRecord) -> String,
                      set: fn(&mut ConversationRecord, String),
                      label: Ui,
                      testid: &'static str| {
        view! {
            <label>{move || t(label)}
                <input data-testid=testid
                    prop:value=move || state.conversation.with(|c| c.as_ref().map(get).unwrap_or_default())
                    on:change=move |ev| {
                        let value = event_target_value(&ev).trim().to_owned();
                        state.edit(move |_, conversation| {
                            if let Some(c) = conversation.as_mut() { set(c, value); }
                            Vec::new()
                        });
                    }/>
            </label>
        }
    };
    let assignee = move || {
        state.conversation.with(|c| {
            c.as_ref()
                .and_then(|c| c.assignee.clone())
                .map(|a| a.0)
                .unwrap_or_default()
        })
    };
    let staff_name = move |id: &Option<Id>| {
        id.as_ref().and_then(|id| {
            state
                .staff
                .with_untracked(|s| s.iter().find(|m| &m.id == id).map(|m| m.name.clone()))
        })
    };
    let set_assignee = move |id: Option<Id>| {
        let from = staff_name(
            &state
                .conversation
                .with_untracked(|c| c.as_ref().and_then(|c| c.assignee.clone())),
        );
        let to = staff_name(&id);
        state.edit(move |customer, conversation| {
            let Some(c) = conversation.as_mut() else {
                return Vec::new();
            };
            if c.assignee == id {
                return Vec::new();
            }
            c.assignee = id;
            vec![crm::history_entry(
                customer,
                Some(c),
                HistoryKind::Assignee,
                from,
                to,
                None,
            )]
        });
    };
    let adding_staff = RwSignal::new(false);
    let staff_draft = RwSignal::new(String::new());
    let add_staff = move || {
        let name = staff_draft.get_untracked();
        if name.trim().is_empty() {
            return;
        }
        spawn_local(async move {
            if let Ok(member) = crm::create_staff(&name).await {
                state.staff.update(|s| s.push(member.clone()));
                staff_draft.set(String::new());
                adding_staff.set(false);
                set_assignee(Some(member.id));
            }
        });
    };
    view! {
        <section class="card" data-testid="conversation-fields">
            <h3>{move || t(Ui::ConversationFields)}</h3>
            <div class="grid2">
                {field(|c| c.category.clone(), |c, v| c.category = v, Ui::Category, "field-category")}
                {field(|c| c.sub_category.clone(), |c, v| c.sub_category = v, Ui::SubCategory, "field-sub-category")}
                {field(|c| c.detail.clone(), |c, v| c.detail = v, Ui::Detail, "field-detail")}
                {field(|c| c.classification.clone(), |c, v| c.classification = v, Ui::Classification, "field-classification")}
                <label>{move || t(Ui::Assignee)}
                    <select data-testid="assignee" prop:value=assignee on:change=move |ev| {
                        match event_target_value(&ev).as_str() {
                            "" => set_assignee(None),
                            "+" => adding_staff.set(true),
                            id => set_assignee(Some(Id(id.to_owned()))),
                        }
                    }>
                        <option value="">{move || t(Ui::Unassigned)}</option>
                        {move || state.staff.get().into_iter().map(|m| view! {
                            <option value=m.id.0.clone() selected=move || assignee() == m.id.0>{m.name.clone()}</option>
                        }).collect_view()}
                        <option value="+">{move || t(Ui::AddStaff)}</option>
                    </select>
                </label>
                <label>{move || t(Ui::Status)}
                    <select data-testid="status" on:change=move |ev| {
                        let Some(status) = ConversationStatus::from_code(&event_target_value(&ev)) else { return };
                        state.edit(move |customer, conversation| {
                            let Some(c) = conversation.as_mut() else { return Vec::new() };
                            if c.status == status { return Vec::new(); }
                            let from = c.status;
                            c.status = ConversationStatus::chosen(status, !customer.tags.is_empty(), c.replied);
                            vec![crm::history_entry(customer, Some(c), HistoryKind::Status, Some(from.code().into()), Some(c.status.code().into()), None)]
                        });
                    }>
                        {ConversationStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.code()
                                selected=move || state.conversation.with(|c| c.as_ref().map(|c| c.status)) == Some(s)>
                                {move || t(status_label(s))}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
            </div>
            {move || adding_staff.get().then(|| view! {
                <div class="add-row">
                    <input data-testid="staff-input" placeholder=t(Ui::StaffNamePrompt)
                        prop:value=move || staff_draft.get()
                        on:input=move |ev| staff_draft.set(event_target_value(&ev))
                        on:keydown=move |ev| if crate::widgets::is_plain_enter(&ev) { add_staff() }/>
                    <button on:click=move |_| add_staff()>{t(Ui::Save)}</button>
                    <button class="link" on:click=move |_| adding_staff.set(false)>{t(Ui::Cancel)}</button>
                </div>
            })}
            <p class="muted small">{move || t(Ui::StatusRule)}</p>
        </section>
    }
}

#[component]
fn Addresses(state: CardState) -> impl IntoView {
    let t = move |key: Ui| state.t(key);
    // None: closed; Some(None): a new address; Some(Some(id)): editing that address.
    let editing = RwSignal::new(None::<Option<Id>>);
    let suggestions = Signal::derive(move || {
        state.buyer_messages.with(|m| {
            m.iter()
                .filter(|text| nobi_core::crm::looks_like_address(text))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let on_save = Callback::new(move |mut address: CustomerAddress| {
        let editing_id = editing.get_untracked().flatten();
        editing.set(None);
        state.edit(move |c, _| {
            match editing_id.and_then(|id| c.addresses.iter().position(|a| a.id == id)) {
                Some(at) => {
                    address.id = c.addresses[at].id.clone();
                    let make_default = address.is_default;
                    c.addresses[at] = address;
                    if make_default {
                        let id = c.addresses[at].id.clone();
                        c.set_default_address(&id);
                    }
                }
                None => {
                    if address.id.0.is_empty() {
                        address.id = new_id();
                    }
                    c.add_address(address);
                }
            }
            Vec::new()
        });
    });
    let on_cancel = Callback::new(move |()| editing.set(None));
    view! {
        <section class="card" data-testid="addresses">
            <h3>{move || t(Ui::Addresses)}</h3>
            <ul class="rows">
                {move || state.customer.with(|c| c.as_ref().map(|c| c.addresses.clone()).unwrap_or_default())
                    .into_iter()
                    .map(|a| {
                        let id = a.id.clone();
                        let id2 = a.id.clone();
                        let id3 = a.id.clone();
                        view! {
                            <li data-testid="address">
                                <span class="address-line">{a.one_line()}</span>
                                {a.is_default.then(|| view! { <span class="badge primary">{t(Ui::DefaultAddress)}</span> })}
                                {(!a.is_default).then(|| view! {
                                    <button class="link" on:click=move |_| {
                                        let id = id.clone();
                                        state.edit(move |c, _| { c.set_default_address(&id); Vec::new() });
                                    }>{t(Ui::MakeDefault)}</button>
                                })}
                                <button class="link" on:click=move |_| editing.set(Some(Some(id2.clone())))>{t(Ui::Edit)}</button>
                                <button class="icon" aria-label=t(Ui::Delete) on:click=move |_| {
                                    let id = id3.clone();
                                    state.edit(move |c, _| {
                                        let was_default = c.addresses.iter().any(|a| a.id == id && a.is_default);
                                        c.addresses.retain(|a| a.id != id);
                                        if was_default { if let Some(first) = c.addresses.first_mut() { first.is_default = true; } }
                                        Vec::new()
                                    });
                                }>"×"</button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {move || match editing.get() {
                None => view! {
                    <button data-testid="add-address" on:click=move |_| editing.set(Some(None))>{t(Ui::AddAddress)}</button>
                }.into_any(),
                Some(id) => {
                    let initial = id.and_then(|id| state.customer.with_untracked(|c| {
                        c.as_ref().and_then(|c| c.addresses.iter().find(|a| a.id == id).cloned())
                    }));
                    crate::split::loaded(state.lang, crate::split::address_form(
                        Signal::from(state.lang), initial.unwrap_or_default(), suggestions, on_save, on_cancel,
                    )).into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Notes(state: CardState) -> impl IntoView {
    let t = move |key: Ui| state.t(key);
    let draft = RwSignal::new(String::new());
    let save = move || {
        let text = draft.get_untracked().trim().to_owned();
        if text.is_empty() {
            return;
        }
        draft.set(String::new());
        state.edit(move |c, _| {
            c.notes.push(Note {
                id: new_id(),
                at: now(),
                text,
                author: None,
            });
            Vec::new()
        });
    };
    view! {
        <section class="card" data-testid="notes">
            <h3>{move || t(Ui::Notes)}</h3>
            <textarea id="note-input" data-testid="note-input" rows="2" placeholder=move || t(Ui::NotePlaceholder)
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
                on:keydown=move |ev| if crate::widgets::is_send_shortcut(&ev) { ev.prevent_default(); save() }
            ></textarea>
            <button data-testid="add-note" on:click=move |_| save()>{move || t(Ui::AddNote)}</button>
            <ul class="notes">
                {move || state.customer.with(|c| c.as_ref().map(|c| c.notes.clone()).unwrap_or_default())
                    .into_iter()
                    .rev()
                    .map(|n| {
                        let id = n.id.clone();
                        view! {
                            <li data-testid="note">
                                <span class="muted small">{format_time(n.at)}</span>
                                <p class="note-text">{n.text}</p>
                                <button class="icon" aria-label=t(Ui::Delete) on:click=move |_| {
                                    let id = id.clone();
                                    state.edit(move |c, _| { c.notes.retain(|n| n.id != id); Vec::new() });
                                }>"×"</button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn SamePhone(state: CardState) -> impl IntoView {
    let t = move |key: Ui| state.t(key);
    let others = RwSignal::new(Vec::<Customer>::new());
    Effect::new(move |_| {
        let Some(customer) = state.customer.get() else {
            return;
        };
        spawn_local(async move {
            others.set(crm::same_phone(&customer).await.unwrap_or_default());
        });
    });
    view! {
        {move || (!others.get().is_empty()).then(|| view! {
            <section class="card warn" data-testid="same-phone">
                <h3>{t(Ui::SamePhone)}</h3>
                <ul class="rows">
                    {others.get().into_iter().map(|o| {
                        let other = o.clone();
                        view! {
                            <li>
                                {o.name.clone()} " · " {o.primary_phone().map(nobi_core::phone::display).unwrap_or_default()}
                                <button data-testid="merge" on:click=move |_| {
                                    let Some(into) = state.customer.get_untracked() else { return };
                                    let other = other.clone();
                                    spawn_local(async move {
                                        match crm::merge_customers(into, other).await {
                                            Ok(merged) => {
                                                if let Ok(h) = crm::history(&merged.id).await { state.history.set(h); }
                                                state.customer.set(Some(merged));
                                            }
                                            Err(_) => state.error.set(Some(ui(Ui::SaveFailed, state.lang.get_untracked()).into())),
                                        }
                                    });
                                }>{t(Ui::Merge)}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}
