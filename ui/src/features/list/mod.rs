//! The list of every customer known on this machine: search without diacritics, filters as in
//! the seeds, and a virtualised list (only the visible rows exist in the DOM), so 50,000
//! customers scroll like 50.
//!
//! The search index (`nobi_core::crm::search::Index`) is built once when the list opens and kept
//! up to date with the customer the card shows; every keystroke is one `Index::search`.

use crate::db;
use crate::db::list_index::list_index;
use crate::state::use_app;
use crate::widgets::format::format_time;
use leptos::prelude::*;
use nobi_core::crm::search::{Index, Query};
use nobi_core::crm::{ConversationStatus, Customer, Id};
use nobi_core::i18n::{ui, Ui};

/// Height of one row in pixels (the CSS gives `.list-row` the same height).
const ROW_HEIGHT: usize = 56;
/// Rows rendered above and below the visible ones, so fast scrolling shows no gaps.
const OVERSCAN: usize = 8;

/// The Unix milliseconds of local midnight at the start of `date`, or of the next midnight (less
/// one) for an inclusive end.
fn day_start(date: Option<nobi_core::crm::Date>, end_of_day: bool) -> Option<i64> {
    let date = date?;
    let d = js_sys::Date::new_with_year_month_day(
        u32::from(date.year),
        i32::from(date.month) - 1,
        i32::from(date.day) + i32::from(end_of_day),
    );
    Some(d.get_time() as i64 - i64::from(end_of_day))
}

#[component]
pub fn CustomerList(
    /// Called with a customer the agent picked.
    on_open: Callback<Customer>,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move |key: Ui| ui(key, lang.get());
    let index = StoredValue::new(None::<Index>);
    let text = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let unread = RwSignal::new(false);
    let unreplied = RwSignal::new(false);
    let orders = RwSignal::new(String::new());
    let from = RwSignal::new(None::<nobi_core::crm::Date>);
    let to = RwSignal::new(None::<nobi_core::crm::Date>);
    let scroll_top = RwSignal::new(0usize);
    let viewport = RwSignal::new(480usize);
    // Integers only: formatting an f64 would link float printing (~4 KB gzip).
    let last_search_us = RwSignal::new(0u32);

    // The search index, from its stored snapshot when current (see db::list_index); kept in
    // `index`, which the list then updates in place.
    let opened = LocalResource::new(move || async move {
        let built = list_index().await?;
        index.set_value(Some(built));
        Ok::<(), crate::db::store::StoreError>(())
    });
    let loaded = move || matches!(opened.get(), Some(Ok(())));
    let failed = move || matches!(opened.get(), Some(Err(_)));

    let query = Memo::new(move |_| Query {
        text: text.get(),
        tag: Some(tag.get()).filter(|t| !t.is_empty()).map(Id),
        assignee: match assignee.get().as_str() {
            "" => None,
            "-" => Some(None),
            id => Some(Some(Id(id.to_owned()))),
        },
        status: match status.get().as_str() {
            "processing" => Some(ConversationStatus::Processing),
            "processed" => Some(ConversationStatus::Processed),
            "done" => Some(ConversationStatus::Done),
            _ => None,
        },
        unread_only: unread.get(),
        unreplied_only: unreplied.get(),
        has_order: match orders.get().as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        from: day_start(from.get(), false),
        to: day_start(to.get(), true),
    });
    let results = Memo::new(move |_| {
        if !loaded() {
            return Vec::new();
        }
        let q = query.get();
        let started = web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.now());
        let found = index.with_value(|i| i.as_ref().map(|i| i.search(&q)).unwrap_or_default());
        if let (Some(start), Some(p)) = (started, web_sys::window().and_then(|w| w.performance())) {
            last_search_us.set(((p.now() - start) * 1000.0) as u32);
        }
        found
    });
    let clear = move || {
        for s in [text, tag, assignee, status, orders] {
            s.set(String::new());
        }
        from.set(None);
        to.set(None);
        unread.set(false);
        unreplied.set(false);
    };
    let visible = move || {
        let first = (scroll_top.get() / ROW_HEIGHT).saturating_sub(OVERSCAN);
        let count = viewport.get() / ROW_HEIGHT + 2 * OVERSCAN;
        // Only the visible slice is copied out of the (possibly 50,000-long) result list.
        let rows = results.with(|all| {
            let last = (first + count).min(all.len());
            index.with_value(|i| {
                i.as_ref()
                    .map(|i| {
                        all[first.min(last)..last]
                            .iter()
                            .map(|&n| i.row(n).clone())
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
        });
        (first, rows)
    };
    let tag_name = move |id: &Id| {
        state.tags.with(|tags| {
            tags.iter()
                .find(|t| &t.id == id)
                .map(|t| (t.name.clone(), t.color.clone()))
        })
    };
    let open_action = Action::new_local(move |id: &Id| {
        let id = id.clone();
        async move {
            if let Ok(Some(customer)) = db::store().get::<Customer>(id.as_str()).await {
                on_open.run(customer);
            }
        }
    });
    let open = move |id: Id| {
        open_action.dispatch(id);
    };

    view! {
        <section class="list-view" data-testid="customer-list">
            <input
                id="list-search"
                type="search"
                class="search"
                data-testid="list-search"
                placeholder=move || t(Ui::SearchPlaceholder)
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
            <div class="filters">
                <select data-testid="filter-tag" prop:value=move || tag.get() on:change=move |ev| tag.set(event_target_value(&ev))>
                    <option value="">{move || t(Ui::FilterAllTags)}</option>
                    {move || state.tags.get().into_iter().map(|tg| view! { <option value=tg.id.0.clone()>{tg.name.clone()}</option> }).collect_view()}
                </select>
                <select data-testid="filter-assignee" prop:value=move || assignee.get() on:change=move |ev| assignee.set(event_target_value(&ev))>
                    <option value="">{move || t(Ui::FilterAllAssignees)}</option>
                    // Team mode: "mine" first; the pool is "Chưa phân công", everyone's is "all".
                    {move || state.team.with(|v| v.as_ref().and_then(|v| v.me.as_ref()).map(|me| me.user_id.clone())).map(|me| view! {
                        <option value=me>{move || t(Ui::FilterMine)}</option>
                    })}
                    <option value="-">{move || t(Ui::Unassigned)}</option>
                    {move || state.staff.get().into_iter().map(|m| view! { <option value=m.id.0.clone()>{m.name.clone()}</option> }).collect_view()}
                </select>
                <select data-testid="filter-status" prop:value=move || status.get() on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">{move || t(Ui::FilterAllStatuses)}</option>
                    <option value="processing">{move || t(Ui::StatusProcessing)}</option>
                    <option value="processed">{move || t(Ui::StatusProcessed)}</option>
                    <option value="done">{move || t(Ui::StatusDone)}</option>
                </select>
                <select data-testid="filter-orders" prop:value=move || orders.get() on:change=move |ev| orders.set(event_target_value(&ev))>
                    <option value="">{move || t(Ui::FilterOrders)}</option>
                    <option value="yes">{move || t(Ui::FilterHasOrder)}</option>
                    <option value="no">{move || t(Ui::FilterNoOrder)}</option>
                </select>
                <label class="check"><input type="checkbox" data-testid="filter-unread" prop:checked=move || unread.get() on:change=move |ev| unread.set(event_target_checked(&ev))/>{move || t(Ui::FilterUnread)}</label>
                <label class="check"><input type="checkbox" data-testid="filter-unreplied" prop:checked=move || unreplied.get() on:change=move |ev| unreplied.set(event_target_checked(&ev))/>{move || t(Ui::FilterUnreplied)}</label>
                <label class="date">{move || t(Ui::FilterFrom)}<crate::widgets::DateInput value=from lang=lang testid="filter-from" on_change=Callback::new(move |d| from.set(d))/></label>
                <label class="date">{move || t(Ui::FilterTo)}<crate::widgets::DateInput value=to lang=lang testid="filter-to" on_change=Callback::new(move |d| to.set(d))/></label>
                <button class="link" on:click=move |_| clear()>{move || t(Ui::ClearFilters)}</button>
            </div>
            <p class="muted small" data-testid="list-count" data-search-us=move || last_search_us.get().to_string()>
                {move || if loaded() { format!("{} {}", results.with(Vec::len), t(Ui::ResultsCount)) } else { t(Ui::Loading).to_owned() }}
            </p>
            {move || failed().then(|| view! { <p class="error" role="alert">{t(Ui::StoreUnavailable)}</p> })}
            {move || (loaded() && results.with(Vec::is_empty)).then(|| {
                let empty = index.with_value(|i| i.as_ref().is_none_or(Index::is_empty));
                view! { <p class="empty muted" data-testid="list-empty">{t(if empty { Ui::ListEmpty } else { Ui::NoMatch })}</p> }
            })}
            <div
                class="list-scroll"
                data-testid="list-scroll"
                on:scroll=move |ev| {
                    let el: web_sys::Element = event_target(&ev);
                    scroll_top.set(el.scroll_top().max(0) as usize);
                    viewport.set(el.client_height().max(0) as usize);
                }
            >
                <div class="list-spacer" style=move || format!("height:{}px", results.with(Vec::len) * ROW_HEIGHT)>
                    {move || {
                        let (first, rows) = visible();
                        rows.into_iter().enumerate().map(|(i, row)| {
                            let id = row.customer_id.clone();
                            let top = (first + i) * ROW_HEIGHT;
                            let tags: Vec<(String, String)> = row.tags.iter().filter_map(&tag_name).collect();
                            view! {
                                <button class="list-row" data-testid="list-row" style=format!("top:{top}px")
                                    on:click=move |_| open(id.clone())>
                                    <span class="list-name">{nobi_core::text::for_display(&row.name)}</span>
                                    <span class="list-phone muted">{row.phone.as_deref().map(nobi_core::phone::display).unwrap_or_default()}</span>
                                    <span class="list-meta">
                                        {row.unread.then(|| view! { <span class="dot" title=t(Ui::FilterUnread)></span> })}
                                        {tags.into_iter().map(|(name, color)| view! { <span class="tag small" style=format!("--tag:{}", nobi_core::crm::safe_color(&color))>{name}</span> }).collect_view()}
                                        <span class="muted small">{format_time(row.last_at)}</span>
                                    </span>
                                </button>
                            }
                        }).collect_view()
                    }}
                </div>
            </div>
        </section>
    }
}
