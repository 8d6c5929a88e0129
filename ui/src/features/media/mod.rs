//! The media library: images kept in the local store (`media`), filed in folders, attached to
//! templates and to messages from the composer.
//!
//! An image is a [`MediaItem`] with its bytes in base64, the form the outbox hands to the content
//! script ([`to_attachment`]), so nothing is converted at send time. Only JPEG, PNG, GIF and WebP
//! up to [`MAX_BYTES`] are taken (what Instagram and Messenger accept); thumbnails are `data:`
//! URLs built from the stored bytes, set as an `src` attribute and only for those types.
//!
//! Folders are a field of the item (`folder`, "" for none), browsed through the store's
//! `by_folder` index; a folder exists as long as an image is filed in it (a folder just typed
//! stays in the list until the panel closes).

// The composer and the tabs (lib.rs) integrate this API; until every part is used there.

use crate::db::media::{all, delete, in_folder, save};
use crate::db::store::{new_id, now, StoreError};
use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::crm::{Id, MediaItem};
use nobi_core::i18n::{ui, Ui};
use wasm_bindgen_futures::JsFuture;

/// The largest image the library takes (5 MB).
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The image types the library takes.
pub const IMAGE_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/gif", "image/webp"];

/// Returns true if and only if `mime` is one of [`IMAGE_TYPES`] (case-insensitive).
pub fn is_image(mime: &str) -> bool {
    IMAGE_TYPES
        .iter()
        .any(|t| t.eq_ignore_ascii_case(mime.trim()))
}

/// [`IMAGE_TYPES`] and its data is base64.
pub fn data_url(item: &MediaItem) -> Option<String> {
    let mime = item.mime.trim().to_ascii_lowercase();
    let base64 = item
        .data_base64
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    (is_image(&mime) && base64 && !item.data_base64.is_empty())
        .then(|| format!("data:{mime};base64,{}", item.data_base64))
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        let sextet = |shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}

/// A folder name as stored: trimmed, inner spaces collapsed.
pub fn folder_name(typed: &str) -> String {
    typed.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads the chosen files into new images of `folder`; files that are not images of the
/// accepted types or are larger than [`MAX_BYTES`] are left out, each with a message.
async fn read_files(
    input: &web_sys::HtmlInputElement,
    folder: &str,
    lang: nobi_core::i18n::Lang,
) -> (Vec<MediaItem>, Vec<String>) {
    let mut items = Vec::new();
    let mut problems = Vec::new();
    let Some(files) = input.files() else {
        return (items, problems);
    };
    for i in 0..files.length() {
        let Some(file) = files.get(i) else { continue };
        let name = file.name();
        let mime = file.type_();
        if !is_image(&mime) {
            problems.push(format!("{name}: {}", ui(Ui::MediaNotImage, lang)));
            continue;
        }
        if file.size() > MAX_BYTES as f64 {
            problems.push(format!("{name}: {}", ui(Ui::MediaTooLarge, lang)));
            continue;
        }
        let Ok(buffer) = JsFuture::from(file.array_buffer()).await else {
            problems.push(format!("{name}: {}", ui(Ui::FileUnreadable, lang)));
            continue;
        };
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        let at = now();
        items.push(MediaItem {
            id: new_id(),
            created_at: at,
            updated_at: at,
            name,
            folder: folder.to_owned(),
            mime: mime.trim().to_ascii_lowercase(),
            data_base64: base64_encode(&bytes),
        });
    }
    // Choosing the same files again must fire `change` again.
    input.set_value("");
    (items, problems)
}

/// Which images the library shows.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Filter {
    All,
    Folder(String),
}

/// The media library: upload (several images at once), folders (create by typing a name, filter,
/// move an image), thumbnails, delete. With `on_pick`, each image also has a "pick" button that
/// hands it to the caller (the composer, the template form).
///
/// data-testids: `media-library`, `media-upload` (the file input), `media-folder` (each folder
/// filter button; the "all" button has `data-folder="*"`, the others their folder name),
/// `media-new-folder` (the folder name input), `media-item`, `media-move` (the folder select
/// of an image), `media-delete`, `media-pick`, `media-message`.
#[component]
pub fn MediaLibrary(#[prop(optional)] on_pick: Option<Callback<MediaItem>>) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move |key: Ui| ui(key, lang.get());
    let items = RwSignal::new(Vec::<MediaItem>::new());
    // Named folders known (from the images, plus those typed this session), sorted.
    let folders = RwSignal::new(Vec::<String>::new());
    let filter = RwSignal::new(Filter::All);
    let message = RwSignal::new(None::<(bool, String)>);
    let new_folder = RwSignal::new(String::new());
    let busy = RwSignal::new(false);

    let add_folders = move |names: Vec<String>| {
        folders.update(|f| {
            for name in names {
                if !name.is_empty() && !f.contains(&name) {
                    f.push(name);
                }
            }
            f.sort_by_key(|n| nobi_core::crm::fold(n));
        });
    };
    let failed = move |e: StoreError| {
        web_sys::console::error_1(&e.to_string().into());
        message.set(Some((
            false,
            ui(Ui::SaveFailed, lang.get_untracked()).into(),
        )));
    };
    // The images of the chosen folder, read again whenever the filter changes (a late answer for
    // a filter no longer chosen is dropped by the resource).
    let loaded = LocalResource::new(move || {
        let which = filter.get();
        async move {
            let loaded = match &which {
                Filter::All => all().await,
                Filter::Folder(f) => in_folder(f).await,
            };
            (which, loaded)
        }
    });
    Effect::new(move |_| match loaded.get() {
        Some((which, Ok(list))) => {
            if which == Filter::All {
                add_folders(list.iter().map(|i| i.folder.clone()).collect());
            }
            items.set(list);
        }
        Some((_, Err(e))) => failed(e),
        None => {}
    });
    let select = move |which: Filter| filter.set(which);
    let create_folder = move || {
        let name = folder_name(&new_folder.get_untracked());
        if name.is_empty() {
            return;
        }
        add_folders(vec![name.clone()]);
        new_folder.set(String::new());
        select(Filter::Folder(name));
    };
    let upload = Action::new_local(move |input: &web_sys::HtmlInputElement| {
        let input = input.clone();
        let folder = match filter.get_untracked() {
            Filter::All => String::new(),
            Filter::Folder(f) => f,
        };
        let l = lang.get_untracked();
        busy.set(true);
        message.set(None);
        async move {
            let (mut new_items, problems) = read_files(&input, &folder, l).await;
            let mut lines = problems;
            let mut ok = lines.is_empty();
            if !new_items.is_empty() {
                match save(&mut new_items).await {
                    Ok(()) => {
                        lines.insert(
                            0,
                            format!("{} {}", ui(Ui::MediaUploaded, l), new_items.len()),
                        );
                        items.update(|list| {
                            for item in new_items.into_iter().rev() {
                                list.insert(0, item);
                            }
                        });
                    }
                    Err(e) => {
                        web_sys::console::error_1(&e.to_string().into());
                        ok = false;
                        lines.insert(0, ui(Ui::SaveFailed, l).into());
                    }
                }
            }
            busy.set(false);
            message.set((!lines.is_empty()).then(|| (ok, lines.join("\n"))));
        }
    });
    let on_upload = move |ev: leptos::ev::Event| {
        upload.dispatch(event_target::<web_sys::HtmlInputElement>(&ev));
    };
    // Moving an image to another folder.
    let save_one = Action::new_local(move |item: &MediaItem| {
        let item = item.clone();
        async move {
            let mut one = [item];
            match save(&mut one).await {
                Ok(()) => {
                    let [item] = one;
                    let keep = match filter.try_get_untracked() {
                        Some(Filter::Folder(f)) => f == item.folder,
                        _ => true,
                    };
                    items.update(|list| {
                        if keep {
                            if let Some(slot) = list.iter_mut().find(|i| i.id == item.id) {
                                *slot = item;
                            }
                        } else {
                            list.retain(|i| i.id != item.id);
                        }
                    });
                }
                Err(e) => failed(e),
            }
        }
    });
    let move_item = move |id: Id, to: String| {
        let Some(mut item) = items.with_untracked(|list| list.iter().find(|i| i.id == id).cloned())
        else {
            return;
        };
        if item.folder == to {
            return;
        }
        item.folder = to;
        save_one.dispatch(item);
    };
    let remove = Action::new_local(move |id: &Id| {
        let id = id.clone();
        async move {
            match delete(&id).await {
                Ok(()) => items.update(|list| list.retain(|i| i.id != id)),
                Err(e) => failed(e),
            }
        }
    });
    let delete_item = move |id: Id| {
        remove.dispatch(id);
    };

    let folder_button = move |which: Filter| {
        let key = match &which {
            Filter::All => "*".to_owned(),
            Filter::Folder(f) => f.clone(),
        };
        let label = which.clone();
        let active = which.clone();
        view! {
            <button
                type="button"
                class="media-folder"
                data-testid="media-folder"
                data-folder=key
                class:active=move || filter.with(|f| *f == active)
                on:click=move |_| select(which.clone())
            >
                {move || match &label {
                    Filter::All => t(Ui::MediaAll).to_owned(),
                    Filter::Folder(f) if f.is_empty() => t(Ui::MediaNoFolder).to_owned(),
                    Filter::Folder(f) => f.clone(),
                }}
            </button>
        }
    };

    view! {
        <section class="card media-library" data-testid="media-library">
            <h3>{move || t(Ui::MediaLibrary)}</h3>
            <div class="media-folders">
                {folder_button(Filter::All)}
                {folder_button(Filter::Folder(String::new()))}
                {move || {
                    folders
                        .get()
                        .into_iter()
                        .map(|f| folder_button(Filter::Folder(f)))
                        .collect_view()
                }}
                <input
                    class="media-new-folder"
                    data-testid="media-new-folder"
                    placeholder=move || t(Ui::MediaNewFolder)
                    prop:value=move || new_folder.get()
                    on:input=move |ev| new_folder.set(event_target_value(&ev))
                    on:keydown=move |ev| {
                        if crate::widgets::is_plain_enter(&ev) {
                            ev.prevent_default();
                            create_folder();
                        }
                    }
                />
            </div>
            <label class="media-upload">
                <span>{move || t(Ui::MediaUpload)}</span>
                " "
                <input
                    type="file"
                    multiple
                    accept="image/jpeg,image/png,image/gif,image/webp"
                    data-testid="media-upload"
                    disabled=move || busy.get()
                    on:change=on_upload
                />
            </label>
            <p class="muted small">{move || t(Ui::MediaHint)}</p>
            {move || busy.get().then(|| view! { <p class="muted">{t(Ui::Loading)}</p> })}
            {move || {
                message
                    .get()
                    .map(|(ok, text)| {
                        view! {
                            <p
                                class=if ok { "ok media-message" } else { "error media-message" }
                                role=if ok { "status" } else { "alert" }
                                data-testid="media-message"
                            >
                                {text}
                            </p>
                        }
                    })
            }}
            {move || {
                items
                    .with(Vec::is_empty)
                    .then(|| view! { <p class="muted" data-testid="media-empty">{t(Ui::MediaEmpty)}</p> })
            }}
            <ul class="media-grid">
                {move || {
                    let known = folders.get();
                    items
                        .get()
                        .into_iter()
                        .map(|item| {
                            let src = data_url(&item);
                            let move_id = item.id.clone();
                            let delete_id = item.id.clone();
                            let current = item.folder.clone();
                            let mut choices = vec![String::new()];
                            choices.extend(known.iter().cloned());
                            if !choices.contains(&current) {
                                choices.push(current.clone());
                            }
                            let pick = on_pick.map(|cb| {
                                let picked = item.clone();
                                view! {
                                    <button
                                        type="button"
                                        class="primary media-pick"
                                        data-testid="media-pick"
                                        on:click=move |_| cb.run(picked.clone())
                                    >
                                        {move || t(Ui::MediaPick)}
                                    </button>
                                }
                            });
                            view! {
                                <li class="media-item" data-testid="media-item" title=item.name.clone()>
                                    {match src {
                                        Some(src) => {
                                            view! {
                                                <img class="media-thumb" src=src alt=item.name.clone() loading="lazy" />
                                            }
                                                .into_any()
                                        }
                                        None => view! { <span class="media-thumb media-broken">"?"</span> }.into_any(),
                                    }}
                                    <span class="media-name">{item.name.clone()}</span>
                                    {pick}
                                    <select
                                        class="media-move"
                                        data-testid="media-move"
                                        title=move || t(Ui::MediaMoveTo)
                                        aria-label=move || t(Ui::MediaMoveTo)
                                        on:change=move |ev| move_item(move_id.clone(), event_target_value(&ev))
                                    >
                                        {choices
                                            .into_iter()
                                            .map(|f| {
                                                let selected = f == current;
                                                let label = if f.is_empty() {
                                                    t(Ui::MediaNoFolder).to_owned()
                                                } else {
                                                    f.clone()
                                                };
                                                view! {
                                                    <option value=f selected=selected>{label}</option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                    <button
                                        type="button"
                                        class="link danger media-delete"
                                        data-testid="media-delete"
                                        on:click=move |_| delete_item(delete_id.clone())
                                    >
                                        {move || t(Ui::Delete)}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn base64_matches_rfc_4648() {
        for (raw, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_encode(raw.as_bytes()), encoded);
        }
        assert_eq!(base64_encode(&[0xff, 0xfe, 0xfd]), "//79");
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn only_images_get_a_data_url() {
        let mut item = MediaItem {
            mime: "image/png".into(),
            data_base64: "iVBORw0KGgo=".into(),
            ..MediaItem::default()
        };
        assert_eq!(
            data_url(&item).as_deref(),
            Some("data:image/png;base64,iVBORw0KGgo=")
        );
        item.mime = "image/svg+xml".into();
        assert_eq!(data_url(&item), None);
        item.mime = "image/png".into();
        item.data_base64 = "\"><script>".into();
        assert_eq!(data_url(&item), None);
        assert_eq!(folder_name("  Áo   len "), "Áo len");
    }
}
