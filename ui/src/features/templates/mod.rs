//! Message templates in the panel: the templates tab (list, search, form, ordering, preview) and
//! the composer's template menu ("/cam_on" shortcuts, search), over the `templates` store.
//!
//! Everything a template *means* is in `nobi_core::template`: filling the variables
//! ([`template::render`], unknown and missing variables reported), search without diacritics,
//! shortcut matching and reordering. This module reads and writes the store (one [`Batch`] per
//! agent action: a move writes every template whose position changed, together), gathers the
//! variables of the open customer ([`template::vars_for`], in core) and shows the result. Template text is the
//! agent's and goes into the composer as text; nothing is rendered as HTML.

// The composer and the tabs (lib.rs) integrate this API; until every part is used there.

pub mod insert;
pub mod vars;

use crate::db::media;
use crate::db::store::{new_id, StoreError};
use crate::db::templates::{delete, latest_order, reorder, save};
use crate::features::media::{data_url, MediaLibrary};
use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::crm::MediaItem;
use nobi_core::i18n::{ui, Ui};
use nobi_core::template::{self, Template};
use vars::{variable_label, vars_for_state};

/// How many rows the template list and the menu show at most.
const SHOWN: usize = 200;

/// Where the template form is.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Editing {
    Closed,
    /// A new template.
    New,
    /// The template with this id.
    Existing(String),
}

/// The templates tab: search (name, shortcut or content, without diacritics), the list in the
/// agent's order with move up/down, edit and delete, and the form (name, shortcut, content with
/// an "insert variable" menu, images from the media library, a live preview for the open
/// customer with unknown and missing variables as warnings).
///
/// `templates`, when given, is the list the composer's [`TemplateMenu`] reads: edits here show
/// there at once. It is (re)loaded from the store when the tab opens.
///
/// data-testids: `templates`, `tpl-search`, `tpl-new`, `tpl-row`, `tpl-edit`, `tpl-up`,
/// `tpl-down`, `tpl-delete`, `tpl-form`, `tpl-name`, `tpl-shortcut`, `tpl-content`,
/// `tpl-variable` (the insert-variable select), `tpl-images`, `tpl-add-image`,
/// `tpl-remove-image`, `tpl-save`, `tpl-cancel`, `tpl-preview`, `tpl-warning`, `tpl-error`.
#[component]
pub fn TemplatesView() -> impl IntoView {
    let state = use_app();
    let templates = state.templates;
    let lang = state.lang;
    let t = move |key: Ui| ui(key, lang.get());
    let query = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let editing = RwSignal::new(Editing::Closed);
    let name = RwSignal::new(String::new());
    let shortcut = RwSignal::new(String::new());
    let content = RwSignal::new(String::new());
    let images = RwSignal::new(Vec::<MediaItem>::new());
    let picking = RwSignal::new(false);
    let content_ref = NodeRef::<leptos::html::Textarea>::new();

    // Read again on opening: another window's panel may have changed them since.
    let stored = LocalResource::new(crate::db::templates::all);
    Effect::new(move |_| match stored.get() {
        Some(Ok(list)) => templates.set(list),
        Some(Err(e)) => web_sys::console::error_1(&e.to_string().into()),
        None => {}
    });
    // The open customer's latest order, for the preview's order variables.
    let order = LocalResource::new(move || {
        let id = state.customer.with(|c| c.as_ref().map(|c| c.id.clone()));
        async move {
            match id {
                Some(id) => latest_order(&id).await,
                None => None,
            }
        }
    });

    let failed = move |e: StoreError| {
        web_sys::console::error_1(&e.to_string().into());
        error.set(Some(ui(Ui::SaveFailed, lang.get_untracked()).into()));
    };
    let load_images = Action::new_local(move |ids: &Vec<String>| {
        let ids = ids.clone();
        async move { images.set(media::load(&ids).await) }
    });
    let write = Action::new_local(move |record: &Template| {
        let mut record = record.clone();
        async move {
            match save(&mut record).await {
                Ok(()) => {
                    templates.update(|ts| {
                        match ts.iter_mut().find(|t| t.id == record.id) {
                            Some(slot) => *slot = record,
                            None => ts.push(record),
                        }
                        template::sort(ts);
                    });
                    error.set(None);
                    editing.set(Editing::Closed);
                }
                Err(e) => failed(e),
            }
        }
    });
    let remove_action = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match delete(&id).await {
                Ok(()) => {
                    templates.update(|ts| ts.retain(|t| t.id != id));
                    if editing.try_get_untracked() == Some(Editing::Existing(id)) {
                        editing.set(Editing::Closed);
                    }
                }
                Err(e) => failed(e),
            }
        }
    });
    // Moves a template to index `to` of the agent's order, writing every template it shifted.
    let move_action = Action::new_local(move |(list, id, to): &(Vec<Template>, String, usize)| {
        let (list, id, to) = (list.clone(), id.clone(), *to);
        async move {
            match reorder(&list, &id, to).await {
                Ok(moved) => templates.set(moved),
                Err(e) => failed(e),
            }
        }
    });
    let open_form = move |which: Editing| {
        let existing = match &which {
            Editing::Existing(id) => {
                templates.with_untracked(|ts| ts.iter().find(|t| &t.id == id).cloned())
            }
            _ => None,
        };
        let existing = existing.unwrap_or(Template {
            id: String::new(),
            name: String::new(),
            content: String::new(),
            shortcut: None,
            image_ids: Vec::new(),
            position: 0,
            updated_at: 0,
        });
        name.set(existing.name);
        shortcut.set(existing.shortcut.unwrap_or_default());
        content.set(existing.content);
        images.set(Vec::new());
        picking.set(false);
        error.set(None);
        editing.set(which);
        if !existing.image_ids.is_empty() {
            let ids = existing.image_ids;
            load_images.dispatch(ids);
        }
    };
    let save_form = move || {
        let l = lang.get_untracked();
        let which = editing.get_untracked();
        let (n, c) = (name.get_untracked(), content.get_untracked());
        let own_id = match &which {
            Editing::Existing(id) => id.clone(),
            _ => String::new(),
        };
        let checked = templates.with_untracked(|ts| {
            template::check_form(ts, &own_id, &n, &c, &shortcut.get_untracked())
        });
        let sc = match checked {
            Ok(sc) => sc,
            Err(e) => {
                let key = match e {
                    template::FormError::NameOrContentMissing => Ui::TplNameRequired,
                    template::FormError::ShortcutInvalid => Ui::TplShortcutInvalid,
                    template::FormError::ShortcutTaken => Ui::TplShortcutTaken,
                };
                error.set(Some(ui(key, l).into()));
                return;
            }
        };
        let existing = match &which {
            Editing::Existing(id) => {
                templates.with_untracked(|ts| ts.iter().find(|t| &t.id == id).cloned())
            }
            _ => None,
        };
        let next_position = templates.with_untracked(|ts| template::next_position(ts));
        let mut record = existing.unwrap_or(Template {
            id: new_id().0,
            name: String::new(),
            content: String::new(),
            shortcut: None,
            image_ids: Vec::new(),
            position: next_position,
            updated_at: 0,
        });
        record.name = n.trim().to_owned();
        record.content = nobi_core::text::nfc(c.trim_end());
        record.shortcut = sc;
        record.image_ids = images.with_untracked(|i| i.iter().map(|m| m.id.0.clone()).collect());
        write.dispatch(record);
    };
    let remove = move |id: String| {
        remove_action.dispatch(id);
    };
    let shift = move |id: String, up: bool| {
        let list = templates.get_untracked();
        let Some(index) = list.iter().position(|t| t.id == id) else {
            return;
        };
        let to = if up {
            match index.checked_sub(1) {
                Some(to) => to,
                None => return,
            }
        } else if index + 1 < list.len() {
            index + 1
        } else {
            return;
        };
        move_action.dispatch((list, id, to));
    };
    let insert_variable = move |var: String| {
        if var.is_empty() {
            return;
        }
        let placeholder = format!("{{{var}}}");
        let text = content.get_untracked();
        let element = content_ref.get_untracked();
        let at = element
            .as_ref()
            .and_then(|el| el.selection_start().ok().flatten())
            .map_or(text.len(), |units| template::utf16_to_byte(&text, units));
        let end = element
            .as_ref()
            .and_then(|el| el.selection_end().ok().flatten())
            .map_or(at, |units| template::utf16_to_byte(&text, units).max(at));
        let next = format!("{}{placeholder}{}", &text[..at], &text[end..]);
        let caret = (text[..at].encode_utf16().count() + placeholder.encode_utf16().count()) as u32;
        content.set(next);
        if let Some(el) = element {
            request_animation_frame(move || {
                let _ = el.focus();
                let _ = el.set_selection_range(caret, caret);
            });
        }
    };

    let shown = Memo::new(move |_| {
        let q = query.get();
        templates.with(|ts| {
            template::search(ts, &q)
                .into_iter()
                .take(SHOWN)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let preview = Memo::new(move |_| {
        let vars = vars_for_state(state, order.get().flatten().as_ref());
        content.with(|c| template::render(c, &vars))
    });

    let form = move || {
        let title = match editing.get() {
            Editing::Closed => return None,
            Editing::New => t(Ui::TplNew),
            Editing::Existing(_) => t(Ui::Edit),
        };
        Some(view! {
            <div class="tpl-form" data-testid="tpl-form">
                <h4>{title}</h4>
                <label>
                    {t(Ui::TplName)}
                    <input data-testid="tpl-name" prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label>
                    {t(Ui::TplShortcut)}
                    <input data-testid="tpl-shortcut" placeholder="/cam_on" prop:value=move || shortcut.get()
                        on:input=move |ev| shortcut.set(event_target_value(&ev))/>
                </label>
                <label>
                    {t(Ui::TplContent)}
                    <textarea data-testid="tpl-content" rows="5" node_ref=content_ref
                        prop:value=move || content.get()
                        on:input=move |ev| content.set(event_target_value(&ev))></textarea>
                </label>
                <select class="tpl-variable" data-testid="tpl-variable" aria-label=move || t(Ui::TplInsertVariable)
                    on:change=move |ev| {
                        insert_variable(event_target_value(&ev));
                        let select: web_sys::HtmlSelectElement = event_target(&ev);
                        select.set_value("");
                    }>
                    <option value="" selected>{move || t(Ui::TplInsertVariable)}</option>
                    {template::VARIABLES.iter().map(|&v| view! {
                        <option value=v>{format!("{{{v}}}")} " — " {move || t(variable_label(v))}</option>
                    }).collect_view()}
                </select>
                <div class="tpl-images" data-testid="tpl-images">
                    <span class="muted small">{move || t(Ui::TplImages)}</span>
                    {move || images.get().into_iter().map(|item| {
                        let id = item.id.clone();
                        view! {
                            <span class="tpl-image">
                                {data_url(&item).map(|src| view! { <img src=src alt=item.name.clone()/> })}
                                <button type="button" class="link danger" data-testid="tpl-remove-image" title=move || t(Ui::TplRemoveImage)
                                    on:click=move |_| images.update(|list| list.retain(|m| m.id != id))>"×"</button>
                            </span>
                        }
                    }).collect_view()}
                    <button type="button" class="link" data-testid="tpl-add-image" on:click=move |_| picking.update(|p| *p = !*p)>
                        {move || t(Ui::TplAddImage)}
                    </button>
                </div>
                {move || picking.get().then(|| view! {
                    <MediaLibrary on_pick=Callback::new(move |item: MediaItem| {
                        images.update(|list| if !list.iter().any(|m| m.id == item.id) { list.push(item) });
                        picking.set(false);
                    })/>
                })}
                <div class="tpl-preview-box">
                    <span class="muted small">{move || t(Ui::TplPreview)}</span>
                    <div class="tpl-preview" data-testid="tpl-preview">{move || preview.with(|r| r.text.clone())}</div>
                    {move || template::warnings(&preview.get(), lang.get()).into_iter().map(|w| view! {
                        <p class="tpl-warning" role="status" data-testid="tpl-warning">{w}</p>
                    }).collect_view()}
                </div>
                <div class="add-row">
                    <button class="primary" data-testid="tpl-save" on:click=move |_| save_form()>{move || t(Ui::Save)}</button>
                    <button class="link" data-testid="tpl-cancel" on:click=move |_| editing.set(Editing::Closed)>{move || t(Ui::Cancel)}</button>
                </div>
            </div>
        })
    };

    view! {
        <section class="card tpl-view" data-testid="templates">
            <h3>{move || t(Ui::TplTitle)}</h3>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="tpl-error">{e}</p> })}
            <div class="tpl-toolbar">
                <input type="search" class="search" data-testid="tpl-search" placeholder=move || t(Ui::TplSearch)
                    prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
                <button class="primary" data-testid="tpl-new" on:click=move |_| open_form(Editing::New)>{move || t(Ui::TplNew)}</button>
            </div>
            {form}
            {move || {
                let empty = templates.with(Vec::is_empty);
                (empty || shown.with(Vec::is_empty)).then(|| view! {
                    <p class="muted" data-testid="tpl-empty">{t(if empty { Ui::TplEmpty } else { Ui::TplNoMatch })}</p>
                })
            }}
            <ul class="rows tpl-list">
                {move || {
                    // Moving follows the agent's order, which a search result does not show.
                    let can_move = query.with(|q| q.trim().is_empty());
                    let count = templates.with(Vec::len);
                    shown.get().into_iter().enumerate().map(|(i, tpl)| {
                        let (edit_id, up_id, down_id, delete_id) = (tpl.id.clone(), tpl.id.clone(), tpl.id.clone(), tpl.id.clone());
                        let images = tpl.image_ids.len();
                        let (no_up, no_down) = (!can_move || i == 0, !can_move || i + 1 >= count);
                        view! {
                            <li class="tpl-row" data-testid="tpl-row">
                                <div class="tpl-row-head">
                                    <b class="tpl-name">{tpl.name.clone()}</b>
                                    {tpl.shortcut.clone().map(|s| view! { <code class="tpl-shortcut">{s}</code> })}
                                    {(images > 0).then(|| view! { <span class="muted small">{format!("🖼 {images}")}</span> })}
                                </div>
                                <div class="tpl-snippet muted small">{template::snippet(&tpl.content, 120)}</div>
                                <div class="tpl-actions">
                                    <button class="link" data-testid="tpl-edit" on:click=move |_| open_form(Editing::Existing(edit_id.clone()))>{move || t(Ui::Edit)}</button>
                                    <button class="link" data-testid="tpl-up" title=move || t(Ui::TplMoveUp) aria-label=move || t(Ui::TplMoveUp)
                                        disabled=no_up on:click=move |_| shift(up_id.clone(), true)>"↑"</button>
                                    <button class="link" data-testid="tpl-down" title=move || t(Ui::TplMoveDown) aria-label=move || t(Ui::TplMoveDown)
                                        disabled=no_down on:click=move |_| shift(down_id.clone(), false)>"↓"</button>
                                    <button class="link danger" data-testid="tpl-delete" on:click=move |_| remove(delete_id.clone())>{move || t(Ui::Delete)}</button>
                                </div>
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
        </section>
    }
}

/// The composer's template menu.
///
/// - When `query` (the composer's text) ends with a shortcut being typed ([`shortcut_at`]:
///   "/cam"), it lists [`template::shortcut_matches`]; keyboard from the composer: ArrowUp /
///   ArrowDown move, Enter or Tab pick, Escape calls `on_close`. With no match it shows nothing.
/// - Otherwise it is a searchable list ([`template::search`] without diacritics) with its own
///   search field, which takes the same keys.
///
/// Picking calls `on_pick` with the template; the caller renders it
/// ([`render_into_composer`] with [`current_vars`]) and, for a shortcut, puts it in place of the
/// typed word ([`replace_shortcut`]). Mount it while [`shortcut_at`] finds a shortcut in the
/// draft, or while the agent opened it (a templates button); the composer should then not handle
/// Enter itself (Ctrl+Enter is left alone).
///
/// data-testids: `tpl-menu`, `tpl-menu-search`, `tpl-option`.
#[component]
pub fn TemplateMenu(
    templates: RwSignal<Vec<Template>>,
    #[prop(into)] query: Signal<String>,
    on_pick: Callback<Template>,
    #[prop(optional)] on_close: Option<Callback<()>>,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move |key: Ui| ui(key, lang.get());
    let search_text = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let slash = Memo::new(move |_| query.with(|q| template::shortcut_at(q).map(str::to_owned)));
    let options = Memo::new(move |_| {
        let typed = slash.get();
        templates.with(|ts| match typed {
            Some(typed) => template::shortcut_matches(ts, &typed)
                .into_iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>(),
            None => search_text.with(|q| {
                template::search(ts, q)
                    .into_iter()
                    .take(SHOWN)
                    .cloned()
                    .collect()
            }),
        })
    });
    Effect::new(move |_| {
        options.track();
        active.set(0);
    });
    let choose = move || {
        let picked = options.with_untracked(|o| {
            o.get(active.get_untracked().min(o.len().saturating_sub(1)))
                .cloned()
        });
        if let Some(picked) = picked {
            on_pick.run(picked);
        }
    };
    // Returns true if and only if the key was the menu's.
    let on_key = move |ev: &web_sys::KeyboardEvent| -> bool {
        let count = options.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => active.update(|a| *a = (*a + 1) % count),
            "ArrowUp" if count > 0 => active.update(|a| *a = (*a + count - 1) % count),
            "Enter" | "Tab"
                if count > 0
                    && !ev.is_composing()
                    && !ev.ctrl_key()
                    && !ev.meta_key()
                    && !ev.shift_key() =>
            {
                choose()
            }
            "Escape" => match on_close {
                Some(close) => close.run(()),
                None => return false,
            },
            _ => return false,
        }
        ev.prevent_default();
        ev.stop_propagation();
        true
    };
    // Shortcut mode: the keys come from the composer, which keeps the focus.
    let listener = window_event_listener(leptos::ev::keydown, move |ev| {
        if slash.with_untracked(Option::is_none) || options.with_untracked(Vec::is_empty) {
            return;
        }
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA"));
        if typing {
            on_key(&ev);
        }
    });
    on_cleanup(move || listener.remove());

    let vars = Memo::new(move |_| vars_for_state(state, None));
    // The search field takes the focus when the menu opens in search mode (`autofocus` only
    // works on page load).
    let search_ref = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = search_ref.get() {
            let _ = input.focus();
        }
    });
    view! {
        {move || {
            let shortcut_mode = slash.with(Option::is_some);
            let list = options.get();
            if shortcut_mode && list.is_empty() {
                return ().into_any();
            }
            let current = active.get().min(list.len().saturating_sub(1));
            let rows = list.into_iter().enumerate().map(|(i, tpl)| {
                let preview = vars.with(|v| template::snippet(&template::render(&tpl.content, v).text, 90));
                let name = tpl.name.clone();
                let sc = tpl.shortcut.clone();
                view! {
                    <li class="tpl-option" data-testid="tpl-option" role="option"
                        aria-selected=(i == current).to_string() class:active=i == current
                        on:mouseenter=move |_| active.set(i)
                        // Keep the focus in the composer.
                        on:mousedown=|ev| ev.prevent_default()
                        on:click=move |_| on_pick.run(tpl.clone())>
                        <b>{name}</b>
                        {sc.map(|s| view! { <code class="tpl-shortcut">{s}</code> })}
                        <div class="muted small">{preview}</div>
                    </li>
                }
            }).collect_view();
            view! {
                <div class="tpl-menu" data-testid="tpl-menu">
                    {(!shortcut_mode).then(|| view! {
                        <input type="search" class="search tpl-menu-search" data-testid="tpl-menu-search" node_ref=search_ref
                            placeholder=move || t(Ui::TplSearch) prop:value=move || search_text.get()
                            on:input=move |ev| search_text.set(event_target_value(&ev))
                            on:keydown=move |ev| { on_key(&ev); }/>
                    })}
                    <ul role="listbox">{rows}</ul>
                    {templates.with(Vec::is_empty).then(|| view! { <p class="muted small">{t(Ui::TplEmpty)}</p> })}
                </div>
            }.into_any()
        }}
    }
}
