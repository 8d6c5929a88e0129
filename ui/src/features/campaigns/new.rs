//! A new campaign: who (filters, a phone list, exclusions; who cannot be reached and why), what
//! (a template, images, a product card; a preview for any recipient; who is held back for a
//! missing value), and how (quiet hours, caps, now or at a time). Nothing is sent until the
//! agent starts it; the worker then freezes the recipients.

use super::runs::act;
use super::shop::Shop;
use super::{use_ctx, Screen};
use crate::db::store::{new_id, now};
use crate::files::{chosen_file, file_rows, FileRows};
use crate::state::use_app;
use crate::widgets::{local_ms, DateInput, DateTimeInput};
use leptos::prelude::*;
use nobi_core::campaign::audience::{audience, Audience, DateRange, Filter, Reach, Unreachable};
use nobi_core::campaign::content::{freeze, preview, Content, Frozen, ProductCard, Unsendable};
use nobi_core::campaign::phone_list::{
    customers_by_phone, match_numbered_rows, match_phone_list, PhoneListMatch, Unmatched,
};
use nobi_core::campaign::words::{word, Word, DEFAULT_NAME_FALLBACK};
use nobi_core::crm::{Date, MediaItem};
use nobi_core::protocol::campaign::{Campaign, Goal, PanelToCampaigns, QuietHours, RunSettings};
use nobi_core::protocol::Platform;
use nobi_core::template::Vars;
use std::collections::HashSet;
use std::rc::Rc;

/// Rows of the audience list drawn at once; the count covers all of them.
const SHOWN: usize = 200;

/// The wire name of a platform ("instagram"), as thread keys and selects use it.
fn platform_code(p: Platform) -> String {
    nobi_bridge::to_js(&p).as_string().unwrap_or_default()
}

fn platform_of(code: &str) -> Option<Platform> {
    nobi_bridge::from_js(wasm_bindgen::JsValue::from_str(code)).ok()
}

/// Unix ms of local midnight starting `date` (or the last ms of that day).
fn day_ms(date: Option<Date>, end: bool) -> Option<u64> {
    let date = date?;
    let d = js_sys::Date::new_with_year_month_day(
        u32::from(date.year),
        i32::from(date.month) - 1,
        i32::from(date.day) + i32::from(end),
    );
    Some((d.get_time() as i64 - i64::from(end)).max(0) as u64)
}

/// The customers on the do-not-message list: those with a thread on it.
pub(super) fn do_not_message(shop: &Shop, threads: &[String]) -> HashSet<String> {
    if threads.is_empty() {
        return HashSet::new();
    }
    let threads: HashSet<&str> = threads.iter().map(String::as_str).collect();
    shop.facts
        .iter()
        .filter(|f| {
            f.conversations.iter().any(|c| {
                threads.contains(
                    format!("{}:{}", platform_code(c.to.platform), c.to.thread_id).as_str(),
                )
            })
        })
        .map(|f| f.customer_id.clone())
        .collect()
}

/// A yes / no / either select.
fn tri(
    label: Word,
    testid: &'static str,
    value: impl Fn() -> Option<bool> + Send + Sync + 'static,
    set: impl Fn(Option<bool>) + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = use_ctx();
    let code = move || match value() {
        None => "",
        Some(true) => "yes",
        Some(false) => "no",
    };
    view! {
        <label class="field">
            <span>{move || ctx.w(label)}</span>
            <select data-testid=testid prop:value=code on:change=move |ev| set(match event_target_value(&ev).as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            })>
                <option value="">{move || ctx.w(Word::Any)}</option>
                <option value="yes">{move || ctx.w(Word::Yes)}</option>
                <option value="no">{move || ctx.w(Word::No)}</option>
            </select>
        </label>
    }
}

#[component]
pub fn NewCampaign() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <Suspense fallback=move || view! { <p class="muted loading">{move || ctx.w(Word::Loading)}</p> }>
            {move || ctx.shop.get().map(|shop| match shop {
                Ok(shop) => view! { <Builder shop=shop/> }.into_any(),
                Err(e) => view! { <p class="error" role="alert" data-testid="campaign-shop-error">{e}</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Builder(shop: Rc<Shop>) -> impl IntoView {
    let ctx = use_ctx();
    let app = use_app();
    let lang = app.lang;
    let w = move |k| word(k, lang.get());
    leptos::task::spawn_local(async move {
        app.ensure_templates().await;
        app.ensure_catalog().await;
    });
    let shop = StoredValue::new_local(shop);

    let name = RwSignal::new(String::new());
    let goal = RwSignal::new(Goal::Promotion);
    let filter = RwSignal::new(Filter::default());
    let last_from = RwSignal::new(None::<Date>);
    let last_to = RwSignal::new(None::<Date>);
    let first_from = RwSignal::new(None::<Date>);
    let first_to = RwSignal::new(None::<Date>);
    let phone_list = RwSignal::new(None::<PhoneListMatch>);
    let phone_error = RwSignal::new(None::<String>);
    let excluded = RwSignal::new(HashSet::<String>::new());
    // Follow-ups handed over: only these customers.
    let only = RwSignal::new(
        ctx.preset
            .get_untracked()
            .map(|ids| ids.into_iter().collect::<HashSet<_>>()),
    );
    ctx.preset.set(None);

    let text = RwSignal::new(String::new());
    let images = RwSignal::new(Vec::<MediaItem>::new());
    let picking = RwSignal::new(false);
    let product = RwSignal::new(None::<ProductCard>);
    let use_fallback = RwSignal::new(false);
    let fallback_name = RwSignal::new(DEFAULT_NAME_FALLBACK.to_owned());
    // One id per campaign being prepared: pressing "Gửi" again after a lost answer starts nothing
    // new (the worker ignores an id it has); a new one once it has started.
    let campaign_id = StoredValue::new(new_id());
    let preview_for = RwSignal::new(None::<String>);

    let defaults = RunSettings::default();
    let quiet_from = RwSignal::new(format!(
        "{:02}:{:02}",
        defaults.quiet.from_minute / 60,
        defaults.quiet.from_minute % 60
    ));
    let quiet_to = RwSignal::new(format!(
        "{:02}:{:02}",
        defaults.quiet.to_minute / 60,
        defaults.quiet.to_minute % 60
    ));
    let per_hour = RwSignal::new(defaults.per_hour.unwrap_or(60).to_string());
    let per_day = RwSignal::new(defaults.per_day.unwrap_or(300).to_string());
    let at_text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    // The dates the agent picks, as the filter's millisecond ranges.
    Effect::new(move |_| {
        let range = |from: Option<Date>, to: Option<Date>| {
            (from.is_some() || to.is_some()).then(|| DateRange {
                from: day_ms(from, false),
                to: day_ms(to, true),
            })
        };
        let last = range(last_from.get(), last_to.get());
        let first = range(first_from.get(), first_to.get());
        filter.update(|f| {
            f.last_interaction = last;
            f.first_contact = first;
        });
    });

    let dnm_threads = move || match ctx.snapshot.get() {
        Some(nobi_core::protocol::campaign::CampaignsToPanel::Campaigns {
            do_not_message, ..
        }) => do_not_message,
        _ => Vec::new(),
    };
    // Everyone the filters find (the list, where a buyer left out stays, unticked), and the
    // audience without those left out (the counts, and who is sent to).
    let audience_with = move |ex: &HashSet<String>| {
        let dnm = dnm_threads();
        shop.with_value(|shop| {
            let dnm = do_not_message(shop, &dnm);
            let list: Option<HashSet<String>> =
                phone_list.with(|m| m.as_ref().map(|m| m.customer_ids.iter().cloned().collect()));
            let only_set = match (list, only.get()) {
                (Some(a), Some(b)) => Some(a.intersection(&b).cloned().collect()),
                (a, b) => a.or(b),
            };
            filter.with(|f| audience(f, &shop.facts, only_set.as_ref(), ex, &dnm, now() as u64))
        })
    };
    let listed = Memo::new(move |_| audience_with(&HashSet::new()));
    let audience_now = Memo::new(move |_| excluded.with(|ex| audience_with(ex)));
    let staff_name = move || {
        let me = app.settings.with_untracked(|s| s.me.clone());
        me.and_then(|me| {
            app.staff
                .with_untracked(|s| s.iter().find(|x| x.id == me).map(|x| x.name.clone()))
        })
    };
    let content = Memo::new(move |_| Content {
        text: text.get(),
        attachments: images.with(|i| i.iter().map(|m| m.id.as_str().to_owned()).collect()),
        product: product.get(),
        fallback: use_fallback.get().then(|| Vars {
            ten_khach: Some(fallback_name.get()).filter(|s| !s.trim().is_empty()),
            ..Vars::default()
        }),
    });
    let frozen = Memo::new(move |_| {
        let staff = staff_name();
        audience_now.with(|a| {
            content.with(|c| {
                shop.with_value(|shop| {
                    freeze(a, c, |id, to| shop.vars(id, Some(to), staff.as_deref()))
                })
            })
        })
    });

    let on_phone_file = move |ev: leptos::ev::Event| {
        leptos::task::spawn_local(async move {
            phone_error.set(None);
            let bytes = match chosen_file(&ev, nobi_core::tabular::check_file_size).await {
                Ok(Some((_, bytes))) => bytes,
                Ok(None) => {
                    phone_error.set(Some(w(Word::FileUnreadable).into()));
                    return;
                }
                Err(e) => {
                    phone_error.set(Some(e.message(lang.get_untracked())));
                    return;
                }
            };
            let by_phone = shop.with_value(|shop| customers_by_phone(&shop.facts));
            let matched = match file_rows(bytes).await {
                Ok(FileRows::Sheet(rows)) => match_phone_list(&rows, &by_phone),
                Ok(FileRows::Csv(bytes)) => match nobi_core::tabular::csv_rows(&bytes) {
                    Ok(csv) => match_numbered_rows(
                        csv.records.iter().map(|r| (r.row, r.cells.as_slice())),
                        &by_phone,
                    ),
                    Err(e) => {
                        phone_error.set(Some(e.message(lang.get_untracked())));
                        return;
                    }
                },
                Err(e) => {
                    phone_error.set(Some(
                        nobi_core::tabular::FileError::from(e).message(lang.get_untracked()),
                    ));
                    return;
                }
            };
            phone_list.set(Some(matched));
        });
    };

    let start = Action::new_local(move |scheduled: &bool| {
        let scheduled = *scheduled;
        async move {
            error.set(None);
            let lang = lang.get_untracked();
            let at = if scheduled {
                match local_ms(&at_text.get_untracked()) {
                    Some(at) if at > now() as u64 => Some(at),
                    _ => {
                        error.set(Some(word(Word::ScheduleInvalid, lang).into()));
                        return;
                    }
                }
            } else {
                None
            };
            let Some(quiet) = quiet_hours(&quiet_from.get_untracked(), &quiet_to.get_untracked())
            else {
                error.set(Some(word(Word::QuietInvalid, lang).into()));
                return;
            };
            let cap = |s: String| s.trim().parse::<u32>().ok().filter(|n| *n > 0);
            let (Some(per_hour), Some(per_day)) =
                (cap(per_hour.get_untracked()), cap(per_day.get_untracked()))
            else {
                error.set(Some(word(Word::CapsInvalid, lang).into()));
                return;
            };
            let Frozen { recipients, .. } = frozen.get_untracked();
            if recipients.is_empty() {
                error.set(Some(word(Word::NobodyToSend, lang).into()));
                return;
            }
            let settings = RunSettings {
                quiet,
                per_hour: Some(per_hour),
                per_day: Some(per_day),
                ..RunSettings::default()
            };
            let title = Some(name.get_untracked().trim().to_owned())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| {
                    format!(
                        "{} {}",
                        word(Word::Campaign, lang),
                        crate::widgets::format::format_time(now())
                    )
                });
            let campaign = Campaign::draft(
                campaign_id.get_value().as_str(),
                &title,
                goal.get_untracked(),
                settings,
                now() as u64,
            );
            let Some(files) = super::shop::campaign_files(&recipients).await else {
                error.set(Some(word(Word::ImageMissing, lang).into()));
                return;
            };
            let request = PanelToCampaigns::Start {
                campaign: Box::new(campaign),
                recipients,
                at,
                files,
            };
            if act(ctx, request).await {
                campaign_id.set_value(new_id());
                ctx.screen.set(Screen::Runs);
            }
        }
    });

    let counts = move || {
        audience_now.with(|a| {
            let held = frozen.with(|f| f.held_back.len());
            let ready = frozen.with(|f| f.recipients.len());
            format!(
                "{} {} · {} {} · {} {} · {} {} · {} {}",
                w(Word::WillReceive),
                ready,
                w(Word::HeldBack),
                held,
                w(Word::CannotReach),
                a.unreachable(Unreachable::NoConversation)
                    + a.unreachable(Unreachable::NotOnChosenChannel),
                w(Word::ExcludedCount),
                a.excluded,
                w(Word::OptedOutCount),
                a.do_not_message,
            )
        })
    };

    view! {
        <div class="campaign-new" data-testid="campaign-new">
            <label class="field"><span>{move || w(Word::Name)}</span>
                <input data-testid="campaign-name-input" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                    placeholder=move || w(Word::NamePlaceholder)/></label>
            <label class="field"><span>{move || w(Word::Goal)}</span>
                <select data-testid="campaign-goal" on:change=move |ev| goal.set(match event_target_value(&ev).as_str() {
                    "care" => Goal::Care, "engagement" => Goal::Engagement, _ => Goal::Promotion })>
                    <option value="promotion">{move || w(Word::GoalPromotion)}</option>
                    <option value="care">{move || w(Word::GoalCare)}</option>
                    <option value="engagement">{move || w(Word::GoalEngagement)}</option>
                </select></label>

            <h3>{move || w(Word::Audience)}</h3>
            {move || only.with(|o| o.as_ref().map(|o| o.len())).map(|n| view! {
                <p class="muted" data-testid="audience-preset">{move || format!("{} {n}", w(Word::FromFollowUps))}
                    <button class="link" on:click=move |_| only.set(None)>{move || w(Word::Clear)}</button></p>
            })}
            <Filters filter=filter shop=shop last_from=last_from last_to=last_to first_from=first_from first_to=first_to/>
            <label class="field"><span>{move || w(Word::PhoneList)}</span>
                <input type="file" data-testid="phone-list-file" accept=".csv,.txt,.xlsx,text/csv"
                    on:change=on_phone_file/></label>
            <p class="muted">{move || w(Word::PhoneListHint)}</p>
            <crate::widgets::ErrorLine error=phone_error testid="phone-list-error"/>
            {move || phone_list.get().map(|m| view! {
                <div class="phone-list" data-testid="phone-list-result">
                    <p>{format!("{} {} · {} {}", w(Word::PhoneListMatched), m.matched_rows, w(Word::PhoneListUnmatched), m.unmatched.len())}
                        " " <button class="link" data-testid="phone-list-clear" on:click=move |_| phone_list.set(None)>{move || w(Word::Clear)}</button></p>
                    {(!m.unmatched.is_empty()).then(|| view! {
                        <details><summary>{move || w(Word::UnmatchedRows)}</summary>
                            <ul class="unmatched" data-testid="phone-list-unmatched">
                                {m.unmatched.iter().map(|u| {
                                    let why = match &u.why {
                                        Unmatched::NoPhone => w(Word::RowNoPhone).to_owned(),
                                        Unmatched::NoCustomer { phone } => format!("{} {phone}", w(Word::RowNoCustomer)),
                                    };
                                    view! { <li data-testid="phone-list-unmatched-row">{format!("{} {}: {} — {why}", w(Word::Row), u.row, u.text)}</li> }
                                }).collect_view()}
                            </ul></details>
                    })}
                </div>
            })}
            <p class="audience-count" data-testid="audience-count">{counts}</p>
            <AudienceList audience=listed frozen=frozen excluded=excluded preview_for=preview_for/>

            <h3>{move || w(Word::Content)}</h3>
            <label class="field"><span>{move || w(Word::Template)}</span>
                <select data-testid="campaign-template" on:change=move |ev| {
                    let id = event_target_value(&ev);
                    if let Some(t) = app.templates.with_untracked(|ts| ts.iter().find(|t| t.id == id).cloned()) {
                        text.set(t.content.clone());
                        let ids = t.image_ids.clone();
                        leptos::task::spawn_local(async move { images.set(crate::db::media::load(&ids).await) });
                    }
                }>
                    <option value="">{move || w(Word::NoTemplate)}</option>
                    {move || app.templates.get().into_iter().map(|t| view! { <option value=t.id.clone()>{t.name.clone()}</option> }).collect_view()}
                </select></label>
            <textarea data-testid="campaign-text" rows="4" placeholder=move || w(Word::TextPlaceholder)
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <div class="campaign-images" data-testid="campaign-images">
                {move || images.get().into_iter().map(|m| {
                    let id = m.id.clone();
                    view! { <span class="chip">{m.name.clone()}
                        <button class="link" aria-label=move || w(Word::Remove) on:click=move |_| images.update(|i| i.retain(|x| x.id != id))>"×"</button></span> }
                }).collect_view()}
                <button data-testid="campaign-add-image" on:click=move |_| picking.update(|p| *p = !*p)>{move || w(Word::AddImage)}</button>
            </div>
            {move || picking.get().then(|| crate::lazy::section(crate::lazy::media_picker(Callback::new(move |item: MediaItem| {
                images.update(|i| if !i.iter().any(|x| x.id == item.id) { i.push(item) });
                picking.set(false);
            }))))}
            <ProductPick product=product/>
            {move || {
                let missing: Vec<String> = frozen.with(|f| {
                    let mut names: Vec<String> = f.held_back.iter().flat_map(|(_, _, why)| match why {
                        Unsendable::Missing { variables, .. } => variables.clone(),
                        Unsendable::Empty | Unsendable::SameThread { .. } => Vec::new(),
                    }).collect();
                    names.sort();
                    names.dedup();
                    names
                });
                (!missing.is_empty() || use_fallback.get()).then(|| view! {
                    <div class="fallback" data-testid="campaign-fallback">
                        <p class="warn">{format!("{} {{{}}}", w(Word::MissingValues), missing.join("}, {"))}</p>
                        <label class="check"><input type="checkbox" data-testid="campaign-fallback-accept"
                            prop:checked=move || use_fallback.get()
                            on:change=move |ev| use_fallback.set(event_target_checked(&ev))/>
                            {move || w(Word::AcceptFallback)}</label>
                        <input data-testid="campaign-fallback-name" prop:value=move || fallback_name.get()
                            on:input=move |ev| fallback_name.set(event_target_value(&ev))/>
                    </div>
                })
            }}
            <Preview audience=audience_now content=content preview_for=preview_for shop=shop/>

            <h3>{move || w(Word::Sending)}</h3>
            <div class="grid-2">
                <label class="field"><span>{move || w(Word::QuietFrom)}</span>
                    <input type="time" data-testid="quiet-from" prop:value=move || quiet_from.get() on:input=move |ev| quiet_from.set(event_target_value(&ev))/></label>
                <label class="field"><span>{move || w(Word::QuietTo)}</span>
                    <input type="time" data-testid="quiet-to" prop:value=move || quiet_to.get() on:input=move |ev| quiet_to.set(event_target_value(&ev))/></label>
                <label class="field"><span>{move || w(Word::PerHour)}</span>
                    <input type="number" min="1" data-testid="per-hour" prop:value=move || per_hour.get() on:input=move |ev| per_hour.set(event_target_value(&ev))/></label>
                <label class="field"><span>{move || w(Word::PerDay)}</span>
                    <input type="number" min="1" data-testid="per-day" prop:value=move || per_day.get() on:input=move |ev| per_day.set(event_target_value(&ev))/></label>
            </div>
            <p class="muted" data-testid="pacing-note">{move || {
                let pacing = app.outbox.with(|o| o.settings.pacing.clone());
                format!("{} {}/{} · {}/{}", w(Word::PacingNote), pacing.per_hour.map(|n| n.to_string()).unwrap_or("∞".into()), w(Word::Hour), pacing.per_day.map(|n| n.to_string()).unwrap_or("∞".into()), w(Word::Day))
            }}</p>
            <label class="field"><span>{move || w(Word::ScheduleAt)}</span>
                <DateTimeInput value=at_text lang=lang testid="campaign-at"/></label>
            <crate::widgets::ErrorLine error=error testid="campaign-start-error"/>
            <div class="row-actions">
                <button class="primary" data-testid="campaign-start" disabled=move || start.pending().get()
                    on:click=move |_| { start.dispatch(false); }>
                    {move || format!("{} ({})", w(Word::SendNow), frozen.with(|f| f.recipients.len()))}</button>
                <button data-testid="campaign-schedule" disabled=move || start.pending().get()
                    on:click=move |_| { start.dispatch(true); }>{move || w(Word::Schedule)}</button>
            </div>
        </div>
    }
}

/// The name to show: the customer's, or a word for a customer with none yet.
pub(super) fn display_name(name: &str, lang: nobi_core::i18n::Lang) -> String {
    let shown = nobi_core::text::for_display(name);
    if shown.trim().is_empty() {
        word(Word::NoName, lang).to_owned()
    } else {
        shown.to_string()
    }
}

/// "21:00" → minutes after midnight.
fn minutes(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.get(..2)?.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// The quiet hours the agent set, in the browser's time zone.
fn quiet_hours(from: &str, to: &str) -> Option<QuietHours> {
    let offset = -(js_sys::Date::new_0().get_timezone_offset() as i32);
    Some(QuietHours {
        from_minute: minutes(from)?,
        to_minute: minutes(to)?,
        utc_offset_minutes: offset,
    })
}

#[component]
fn Filters(
    filter: RwSignal<Filter>,
    shop: StoredValue<Rc<Shop>, LocalStorage>,
    last_from: RwSignal<Option<Date>>,
    last_to: RwSignal<Option<Date>>,
    first_from: RwSignal<Option<Date>>,
    first_to: RwSignal<Option<Date>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let app = use_app();
    let lang = app.lang;
    let w = move |k| word(k, lang.get());
    let accounts = move || {
        let platform = filter.with(|f| f.platform);
        shop.with_value(|s| {
            s.accounts
                .iter()
                .filter(|(p, _)| platform.is_none_or(|want| want == *p))
                .map(|(_, a)| a.clone())
                .collect::<Vec<_>>()
        })
    };
    let tag_choice = move |id: String| {
        filter.with(|f| {
            if f.tags_any.contains(&id) {
                "yes"
            } else if f.tags_none.contains(&id) {
                "no"
            } else {
                ""
            }
        })
    };
    view! {
        <details class="filters" open data-testid="campaign-filters">
            <summary>{move || w(Word::Filters)}</summary>
            <label class="check"><input type="checkbox" data-testid="filter-window-closed"
                prop:checked=move || filter.with(|f| f.window_closed)
                on:change=move |ev| filter.update(|f| f.window_closed = event_target_checked(&ev))/>
                {move || w(Word::WindowClosed)}</label>
            <div class="grid-2">
                <label class="field"><span>{move || w(Word::Platform)}</span>
                    <select data-testid="filter-platform" on:change=move |ev| {
                        let p = platform_of(&event_target_value(&ev));
                        filter.update(|f| { f.platform = p; f.account = None; });
                    }>
                        <option value="">{move || w(Word::Any)}</option>
                        {[Platform::Instagram, Platform::Facebook, Platform::Messenger, Platform::BusinessSuite].into_iter().map(|p| view! {
                            <option value=platform_code(p)>{crate::widgets::format::platform_name(p)}</option>
                        }).collect_view()}
                    </select></label>
                <label class="field"><span>{move || w(Word::Account)}</span>
                    <select data-testid="filter-account" prop:value=move || filter.with(|f| f.account.clone().unwrap_or_default())
                        on:change=move |ev| { let a = event_target_value(&ev); filter.update(|f| f.account = Some(a).filter(|a| !a.is_empty())); }>
                        <option value="">{move || w(Word::Any)}</option>
                        {move || accounts().into_iter().map(|a| view! { <option value=a.clone()>{a.clone()}</option> }).collect_view()}
                    </select></label>
                {tri(Word::HasPhone, "filter-has-phone", move || filter.with(|f| f.has_phone), move |v| filter.update(|f| f.has_phone = v))}
                {tri(Word::HasEmail, "filter-has-email", move || filter.with(|f| f.has_email), move |v| filter.update(|f| f.has_email = v))}
                {tri(Word::HasGender, "filter-has-gender", move || filter.with(|f| f.has_gender), move |v| filter.update(|f| f.has_gender = v))}
                <label class="field"><span>{move || w(Word::Gender)}</span>
                    <select data-testid="filter-gender" on:change=move |ev| {
                        let g = event_target_value(&ev);
                        filter.update(|f| f.genders = if g.is_empty() { Vec::new() } else { vec![g] });
                    }>
                        <option value="">{move || w(Word::Any)}</option>
                        <option value="female">{move || w(Word::Female)}</option>
                        <option value="male">{move || w(Word::Male)}</option>
                        <option value="other">{move || w(Word::OtherGender)}</option>
                    </select></label>
                {tri(Word::HasOrder, "filter-has-order", move || filter.with(|f| f.has_order), move |v| filter.update(|f| f.has_order = v))}
                <label class="field"><span>{move || w(Word::OrderStatus)}</span>
                    <select data-testid="filter-order-status" on:change=move |ev| {
                        let s = event_target_value(&ev);
                        filter.update(|f| f.order_status = if s.is_empty() { Vec::new() } else { vec![s] });
                    }>
                        <option value="">{move || w(Word::Any)}</option>
                        {nobi_core::order::OrderStatus::ALL.into_iter().map(|s| {
                            let code = nobi_core::order::campaign_facts::status_code(s);
                            view! { <option value=code>{move || s.label(lang.get())}</option> }
                        }).collect_view()}
                    </select></label>
            </div>
            <div class="grid-2">
                <label class="field"><span>{move || w(Word::LastFrom)}</span>
                    <DateInput value=last_from on_change=Callback::new(move |d| last_from.set(d)) lang=lang testid="filter-last-from"/></label>
                <label class="field"><span>{move || w(Word::LastTo)}</span>
                    <DateInput value=last_to on_change=Callback::new(move |d| last_to.set(d)) lang=lang testid="filter-last-to"/></label>
                <label class="field"><span>{move || w(Word::FirstFrom)}</span>
                    <DateInput value=first_from on_change=Callback::new(move |d| first_from.set(d)) lang=lang testid="filter-first-from"/></label>
                <label class="field"><span>{move || w(Word::FirstTo)}</span>
                    <DateInput value=first_to on_change=Callback::new(move |d| first_to.set(d)) lang=lang testid="filter-first-to"/></label>
            </div>
            {move || (!app.tags.with(Vec::is_empty)).then(|| view! {
                <fieldset class="tag-filter" data-testid="filter-tags">
                    <legend>{move || w(Word::Tags)}</legend>
                    {move || app.tags.get().into_iter().map(|tag| {
                        let id = tag.id.as_str().to_owned();
                        let id2 = id.clone();
                        view! {
                            <label class="field tag-choice"><span>{tag.name.clone()}</span>
                                <select data-testid="filter-tag" prop:value=move || tag_choice(id.clone())
                                    on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        let id = id2.clone();
                                        filter.update(|f| {
                                            f.tags_any.retain(|t| *t != id);
                                            f.tags_none.retain(|t| *t != id);
                                            match v.as_str() {
                                                "yes" => f.tags_any.push(id),
                                                "no" => f.tags_none.push(id),
                                                _ => {}
                                            }
                                        });
                                    }>
                                    <option value="">{move || ctx.w(Word::Any)}</option>
                                    <option value="yes">{move || ctx.w(Word::WithTag)}</option>
                                    <option value="no">{move || ctx.w(Word::WithoutTag)}</option>
                                </select></label>
                        }
                    }).collect_view()}
                </fieldset>
            })}
        </details>
    }
}

/// The audience, each row with why it cannot be reached or is held back, and a box to leave it
/// out.
#[component]
fn AudienceList(
    audience: Memo<Audience>,
    frozen: Memo<Frozen>,
    excluded: RwSignal<HashSet<String>>,
    preview_for: RwSignal<Option<String>>,
) -> impl IntoView {
    let lang = use_app().lang;
    let w = move |k| word(k, lang.get());
    let rows = move || {
        let held: Vec<(String, Unsendable)> = frozen.with(|f| {
            f.held_back
                .iter()
                .map(|(id, _, why)| (id.clone(), why.clone()))
                .collect()
        });
        audience.with(|a| {
            a.candidates
                .iter()
                .take(SHOWN)
                .map(|c| {
                    let note = match &c.reach {
                        Reach::Unreachable {
                            why: Unreachable::NoConversation,
                        } => Some(w(Word::NoConversation).to_owned()),
                        Reach::Unreachable {
                            why: Unreachable::NotOnChosenChannel,
                        } => Some(w(Word::NotOnChannel).to_owned()),
                        Reach::Thread { .. } => held
                            .iter()
                            .find(|(id, _)| *id == c.customer_id)
                            .map(|(_, why)| match why {
                                Unsendable::Missing { variables, unknown } => format!(
                                    "{} {{{}}}",
                                    w(Word::HeldMissing),
                                    variables
                                        .iter()
                                        .chain(unknown)
                                        .cloned()
                                        .collect::<Vec<_>>()
                                        .join("}, {")
                                ),
                                Unsendable::Empty => w(Word::HeldEmpty).to_owned(),
                                Unsendable::SameThread { .. } => w(Word::HeldSameThread).to_owned(),
                            }),
                    };
                    (c.customer_id.clone(), c.name.clone(), note)
                })
                .collect::<Vec<_>>()
        })
    };
    let more = move || audience.with(|a| a.candidates.len().saturating_sub(SHOWN));
    view! {
        <ul class="audience" data-testid="audience-list">
            <For each=rows key=|(id, _, note)| (id.clone(), note.clone()) let:row>
                {
                    let (id, name, note) = row;
                    let reachable = note.is_none();
                    let id_for_box = id.clone();
                    let id_for_preview = id.clone();
                    view! {
                        <li class="audience-row" data-testid="audience-row" class:unreachable=!reachable>
                            <label class="check">
                                <input type="checkbox" data-testid="audience-include"
                                    prop:checked={
                                        let id = id.clone();
                                        move || excluded.with(|e| !e.contains(&id))
                                    }
                                    on:change=move |ev| {
                                        let id = id_for_box.clone();
                                        let include = event_target_checked(&ev);
                                        excluded.update(|e| { if include { e.remove(&id); } else { e.insert(id); } });
                                    }/>
                                <span class="name">{move || display_name(&name, lang.get())}</span>
                            </label>
                            {note.map(|n| view! { <span class="muted why" data-testid="audience-why">{n}</span> })}
                            {reachable.then(|| view! {
                                <button class="link" data-testid="audience-preview" on:click=move |_| preview_for.set(Some(id_for_preview.clone()))>{move || w(Word::PreviewShort)}</button>
                            })}
                        </li>
                    }
                }
            </For>
        </ul>
        {move || (more() > 0).then(|| view! { <p class="muted">{move || format!("{} {}", w(Word::AndMore), more())}</p> })}
        {move || excluded.with(|e| !e.is_empty()).then(|| view! {
            <button class="link" data-testid="audience-include-all" on:click=move |_| excluded.set(HashSet::new())>{move || w(Word::IncludeAll)}</button>
        })}
    }
}

/// The message as one recipient will get it.
#[component]
fn Preview(
    audience: Memo<Audience>,
    content: Memo<Content>,
    preview_for: RwSignal<Option<String>>,
    shop: StoredValue<Rc<Shop>, LocalStorage>,
) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let w = move |k| word(k, lang.get());
    let who = move || {
        preview_for.get().or_else(|| {
            audience.with(|a| {
                a.candidates
                    .iter()
                    .find(|c| matches!(c.reach, Reach::Thread { .. }))
                    .map(|c| c.customer_id.clone())
            })
        })
    };
    let shown = move || {
        let id = who()?;
        let (name, thread) = audience.with(|a| {
            a.candidates.iter().find(|c| c.customer_id == id).map(|c| {
                let thread = match &c.reach {
                    Reach::Thread { to, .. } => Some(to.clone()),
                    Reach::Unreachable { .. } => None,
                };
                (c.name.clone(), thread)
            })
        })?;
        let me = app.settings.with_untracked(|s| s.me.clone());
        let staff = me.and_then(|me| {
            app.staff
                .with_untracked(|s| s.iter().find(|x| x.id == me).map(|x| x.name.clone()))
        });
        let vars = shop.with_value(|s| s.vars(&id, thread.as_ref(), staff.as_deref()));
        Some((name, content.with(|c| preview(c, &vars))))
    };
    view! {
        <div class="campaign-preview" data-testid="campaign-preview">
            {move || match shown() {
                None => view! { <p class="muted">{move || w(Word::PreviewNone)}</p> }.into_any(),
                Some((name, p)) => view! {
                    <p class="muted">{format!("{} {}", w(Word::PreviewFor), nobi_core::text::for_display(&name))}</p>
                    <p class="bubble" data-testid="campaign-preview-text">{p.message.text.clone()}</p>
                    {(!p.message.attachments.is_empty()).then(|| view! { <p class="muted">{format!("{} {}", w(Word::Images), p.message.attachments.len())}</p> })}
                    {(!p.missing.is_empty() || !p.unknown.is_empty()).then(|| view! {
                        <p class="warn" data-testid="campaign-preview-missing">{format!("{} {{{}}}", w(Word::HeldMissing), p.missing.iter().chain(&p.unknown).cloned().collect::<Vec<_>>().join("}, {"))}</p>
                    })}
                }.into_any(),
            }}
        </div>
    }
}

/// A product from the catalog, sent as its name, price and image.
#[component]
fn ProductPick(product: RwSignal<Option<ProductCard>>) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let w = move |k| word(k, lang.get());
    view! {
        <label class="field"><span>{move || w(Word::Product)}</span>
            <select data-testid="campaign-product" on:change=move |ev| {
                let id = event_target_value(&ev);
                let picked = app.catalog.with_untracked(|c| c.products.iter().find(|p| p.id == id).cloned());
                match picked {
                    None => product.set(None),
                    Some(p) => {
                        let price = p.variants.first().map(|v| v.price.0).unwrap_or(0);
                        let image_ids: Vec<String> = p.images.iter().chain(p.variants.iter().flat_map(|v| &v.images)).take(1).cloned().collect();
                        leptos::task::spawn_local(async move {
                            // Only an image of the media library can be attached.
                            let image = crate::db::media::load(&image_ids).await.into_iter().next().map(|m| m.id.as_str().to_owned());
                            product.set(Some(ProductCard { name: p.name.clone(), price_vnd: price, image }));
                        });
                    }
                }
            }>
                <option value="">{move || w(Word::NoProduct)}</option>
                {move || app.catalog.with(|c| c.products.iter().map(|p| view! { <option value=p.id.clone()>{p.name.clone()}</option> }).collect_view())}
            </select></label>
    }
}
