//! What a campaign says: a template rendered per recipient, images, a product card.
//!
//! # Contract
//!
//! - [`message_for`] returns `Ok` if and only if every placeholder of the text is filled (from the
//!   recipient's [`Vars`], else from the accepted [`Content::fallback`]) and the message is not
//!   empty; otherwise it says why ([`Unsendable`]) and the recipient is held back.
//! - [`preview`] never fails: it renders the same message, placeholders that could not be filled
//!   left as written, and lists what is missing. `message_for(c, v)` is `Ok(preview(c, v).message)`
//!   exactly when the preview lists nothing.
//!
//! # Decisions
//!
//! - The product card is text and an image, not a platform "structured message": the extension
//!   types into the page like the agent does. Its text, `"{name} — {price}"` with the price as
//!   `1.250.000 ₫`, follows the template's text after a blank line; its image follows the
//!   attachments (once: an image already attached is not sent twice).
//! - A placeholder that is not a variable (a typo, `{ten_khac}`) holds every recipient back: sent
//!   as written it would reach every buyer as a visible mistake, and no fallback can fill it.
//! - A text of blanks is no text: an image-only campaign sends its images with an empty text.

use nobi_money::Vnd;
use nobi_template::{render, Vars};
use serde::{Deserialize, Serialize};

/// A campaign's message, before it is rendered for anyone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    /// The template, with `{variables}` (see `nobi_template`).
    #[serde(default)]
    pub text: String,
    /// Media library ids, in order.
    #[serde(default)]
    pub attachments: Vec<String>,
    #[serde(default)]
    pub product: Option<ProductCard>,
    /// Values for variables a recipient has none for, once the agent accepted them; `None`: a
    /// recipient with a missing variable is held back.
    #[serde(default)]
    pub fallback: Option<Fallback>,
}

/// A product from the catalog, shown as text and its image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCard {
    pub name: String,
    /// Integer VND.
    pub price_vnd: i64,
    /// Media library id of the product's image.
    #[serde(default)]
    pub image: Option<String>,
}

/// Values used for the variables a recipient has no value for (`ten_khach` → "bạn"): the same
/// shape as a recipient's own values, and only the variables it sets are filled.
pub type Fallback = Vars;

/// One recipient's message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub text: String,
    /// Media library ids, in order.
    pub attachments: Vec<String>,
}

/// Why a recipient's message cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Unsendable {
    /// Placeholders left unfilled: `variables` (canonical names, each once) have no value for
    /// this recipient nor in the accepted fallback; `unknown` are not variables at all (as
    /// written between the braces), the same for every recipient.
    Missing {
        variables: Vec<String>,
        unknown: Vec<String>,
    },
    /// No text, no attachment and no product: nothing to send.
    Empty,
    /// Another recipient (`customer_id`, earlier in the list) is written to in the same thread:
    /// one buyer would get the message twice (two customer records of one person).
    SameThread { customer_id: String },
}

/// A recipient's message as the panel previews it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// The message, unfilled placeholders left as written.
    pub message: Message,
    /// Variables with no value, even from the fallback (canonical names, each once).
    pub missing: Vec<String>,
    /// Placeholders that are not variables, as written.
    pub unknown: Vec<String>,
    /// Variables the recipient had no value for that the fallback filled.
    pub from_fallback: Vec<String>,
    /// Nothing to send.
    pub empty: bool,
}

impl Preview {
    /// The message if it can be sent, else why not (see [`message_for`]).
    pub fn into_result(self) -> Result<Message, Unsendable> {
        if !self.missing.is_empty() || !self.unknown.is_empty() {
            return Err(Unsendable::Missing {
                variables: self.missing,
                unknown: self.unknown,
            });
        }
        if self.empty {
            return Err(Unsendable::Empty);
        }
        Ok(self.message)
    }
}

/// The message of the recipient whose values are `vars`, or why it cannot be sent (see the
/// module docs).
pub fn message_for(content: &Content, vars: &Vars) -> Result<Message, Unsendable> {
    preview(content, vars).into_result()
}

/// The message of the recipient whose values are `vars` as the panel shows it: the same as
/// [`message_for`]'s, placeholders it could not fill left as written, and what is missing.
pub fn preview(content: &Content, vars: &Vars) -> Preview {
    let mut rendered = render(&content.text, vars);
    let mut from_fallback = Vec::new();
    if let Some(fallback) = content
        .fallback
        .as_ref()
        .filter(|_| !rendered.missing.is_empty())
    {
        let own_missing = rendered.missing;
        rendered = render(&content.text, &with_fallback(vars, fallback));
        from_fallback = own_missing
            .into_iter()
            .filter(|name| !rendered.missing.contains(name))
            .collect();
    }

    let mut text = if rendered.text.trim().is_empty() {
        String::new()
    } else {
        rendered.text
    };
    let mut attachments = content.attachments.clone();
    if let Some(product) = &content.product {
        let card = product_text(product);
        text = if text.is_empty() {
            card
        } else {
            format!("{}\n\n{card}", text.trim_end())
        };
        if let Some(image) = product.image.as_ref().filter(|i| !i.trim().is_empty()) {
            if !attachments.contains(image) {
                attachments.push(image.clone());
            }
        }
    }
    let empty = text.is_empty() && attachments.is_empty();
    Preview {
        message: Message { text, attachments },
        missing: rendered.missing,
        unknown: rendered.unknown,
        from_fallback,
        empty,
    }
}

/// `"{name} — 1.250.000 ₫"`; the price alone for a product without a name.
fn product_text(product: &ProductCard) -> String {
    let price = Vnd(product.price_vnd).format();
    let name = nobi_text::nfc(product.name.trim());
    if name.is_empty() {
        price
    } else {
        format!("{name} — {price}")
    }
}

/// `vars` with each variable it has no value for taken from `fallback`. A blank text counts as no
/// value, as in `nobi_template::render`.
fn with_fallback(vars: &Vars, fallback: &Fallback) -> Vars {
    fn text(own: &Option<String>, fallback: &Option<String>) -> Option<String> {
        own.as_ref()
            .filter(|s| !s.trim().is_empty())
            .or(fallback.as_ref())
            .cloned()
    }
    // Destructured field by field so that a variable added to `Vars` fails to compile here
    // rather than silently never falling back.
    let Vars {
        ten_khach,
        sdt,
        dia_chi,
        tong_tien,
        ma_don,
        phi_ship,
        ten_shop,
        nhan_vien,
        ngay,
    } = fallback;
    Vars {
        ten_khach: text(&vars.ten_khach, ten_khach),
        sdt: text(&vars.sdt, sdt),
        dia_chi: text(&vars.dia_chi, dia_chi),
        tong_tien: vars.tong_tien.or(*tong_tien),
        ma_don: text(&vars.ma_don, ma_don),
        phi_ship: vars.phi_ship.or(*phi_ship),
        ten_shop: text(&vars.ten_shop, ten_shop),
        nhan_vien: text(&vars.nhan_vien, nhan_vien),
        ngay: vars.ngay.or(*ngay),
    }
}

/// The recipients a campaign starts with, and those held back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frozen {
    /// Every reachable candidate whose message can be sent, `Pending`, in the audience's order.
    pub recipients: Vec<crate::run::Recipient>,
    /// Reachable candidates whose message cannot be sent (missing variables, nothing to send):
    /// `(customer id, name, why)`. The agent sees them before starting.
    pub held_back: Vec<(String, String, Unsendable)>,
}

/// Renders `content` for every reachable candidate of `audience` with the values `vars_of` gives
/// for a customer id and the thread the message goes to (so that `{ten_shop}` is that thread's
/// account): each one becomes a recipient, or is held back with why. Unreachable candidates are
/// neither (the audience already lists them with their reason). A second candidate written to in
/// a thread already taken is held back ([`Unsendable::SameThread`]).
pub fn freeze(
    audience: &crate::audience::Audience,
    content: &Content,
    mut vars_of: impl FnMut(&str, &nobi_protocol::ThreadRef) -> Vars,
) -> Frozen {
    use crate::audience::Reach;
    let mut out = Frozen::default();
    let mut threads: std::collections::HashMap<(nobi_protocol::Platform, &str), &str> =
        std::collections::HashMap::new();
    for candidate in &audience.candidates {
        let Reach::Thread { to, account } = &candidate.reach else {
            continue;
        };
        if let Some(first) = threads.get(&(to.platform, to.thread_id.as_str())) {
            out.held_back.push((
                candidate.customer_id.clone(),
                candidate.name.clone(),
                Unsendable::SameThread {
                    customer_id: (*first).to_owned(),
                },
            ));
            continue;
        }
        threads.insert(
            (to.platform, to.thread_id.as_str()),
            candidate.customer_id.as_str(),
        );
        match message_for(content, &vars_of(&candidate.customer_id, to)) {
            Ok(message) => out.recipients.push(crate::run::Recipient {
                customer_id: candidate.customer_id.clone(),
                name: candidate.name.clone(),
                to: to.clone(),
                account: account.clone(),
                text: message.text,
                attachments: message.attachments,
                state: crate::run::RecipientState::Pending,
                cancel_reason: None,
            }),
            Err(why) => {
                out.held_back
                    .push((candidate.customer_id.clone(), candidate.name.clone(), why))
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lan() -> Vars {
        Vars {
            ten_khach: Some("chị Lan".into()),
            ten_shop: Some("Hoa Mai".into()),
            ..Vars::default()
        }
    }

    fn content(text: &str) -> Content {
        Content {
            text: text.into(),
            ..Content::default()
        }
    }

    #[test]
    fn a_complete_template_renders() {
        let m = message_for(&content("Chào {ten_khach}, {ten_shop} có quà"), &lan()).unwrap();
        assert_eq!(m.text, "Chào chị Lan, Hoa Mai có quà");
        assert!(m.attachments.is_empty());
    }

    #[test]
    fn a_missing_variable_holds_the_recipient_back_and_is_listed() {
        let c = content("Chào {ten_khach}, đơn {ma_don} của {Tên Khách}");
        let err = message_for(&c, &Vars::default()).unwrap_err();
        assert_eq!(
            err,
            Unsendable::Missing {
                variables: vec!["ten_khach".into(), "ma_don".into()],
                unknown: vec![],
            }
        );
    }

    #[test]
    fn the_fallback_fills_what_it_has_and_only_that() {
        let mut c = content("Chào {ten_khach}, shop {ten_shop} gửi quà");
        c.fallback = Some(Vars {
            ten_khach: Some("bạn".into()),
            ..Vars::default()
        });
        let nameless = Vars {
            ten_khach: Some("  ".into()),
            ten_shop: Some("Hoa Mai".into()),
            ..Vars::default()
        };
        let m = message_for(&c, &nameless).unwrap();
        assert_eq!(m.text, "Chào bạn, shop Hoa Mai gửi quà");
        // The recipient's own value wins over the fallback.
        assert_eq!(
            message_for(&c, &lan()).unwrap().text,
            "Chào chị Lan, shop Hoa Mai gửi quà"
        );
        // `ten_shop` has no fallback: still missing.
        assert_eq!(
            message_for(&c, &Vars::default()),
            Err(Unsendable::Missing {
                variables: vec!["ten_shop".into()],
                unknown: vec![],
            })
        );
        let p = preview(&c, &Vars::default());
        assert_eq!(p.from_fallback, ["ten_khach"]);
        assert_eq!(p.missing, ["ten_shop"]);
        assert_eq!(p.message.text, "Chào bạn, shop {ten_shop} gửi quà");
    }

    #[test]
    fn an_unknown_placeholder_holds_everyone_back() {
        let err = message_for(&content("Chào {ten_khac}"), &lan()).unwrap_err();
        assert_eq!(
            err,
            Unsendable::Missing {
                variables: vec![],
                unknown: vec!["ten_khac".into()],
            }
        );
    }

    #[test]
    fn the_product_card_is_text_after_a_blank_line_and_an_image_after_the_attachments() {
        let c = Content {
            text: "Chào {ten_khach}, mẫu mới về:\n".into(),
            attachments: vec!["img-banner".into()],
            product: Some(ProductCard {
                name: "Váy hoa nhí".into(),
                price_vnd: 1_250_000,
                image: Some("img-vay".into()),
            }),
            fallback: None,
        };
        let m = message_for(&c, &lan()).unwrap();
        assert_eq!(
            m.text,
            "Chào chị Lan, mẫu mới về:\n\nVáy hoa nhí — 1.250.000 ₫"
        );
        assert_eq!(m.attachments, ["img-banner", "img-vay"]);
    }

    #[test]
    fn a_product_alone_is_a_message_and_its_image_is_not_sent_twice() {
        let c = Content {
            attachments: vec!["img-vay".into()],
            product: Some(ProductCard {
                name: "Váy hoa nhí".into(),
                price_vnd: 350_000,
                image: Some("img-vay".into()),
            }),
            ..Content::default()
        };
        let m = message_for(&c, &Vars::default()).unwrap();
        assert_eq!(m.text, "Váy hoa nhí — 350.000 ₫");
        assert_eq!(m.attachments, ["img-vay"]);
    }

    #[test]
    fn images_alone_are_a_message_with_no_text() {
        let c = Content {
            text: "  \n".into(),
            attachments: vec!["img-1".into()],
            ..Content::default()
        };
        let m = message_for(&c, &Vars::default()).unwrap();
        assert_eq!(m.text, "");
        assert_eq!(m.attachments, ["img-1"]);
    }

    #[test]
    fn nothing_to_send_is_an_error_that_says_so() {
        assert_eq!(message_for(&content(""), &lan()), Err(Unsendable::Empty));
        assert_eq!(
            message_for(&content(" \n "), &lan()),
            Err(Unsendable::Empty)
        );
    }

    #[test]
    fn the_preview_never_fails_and_shows_placeholders_as_written() {
        let c = content("Chào {Tên khách}, mã {ten_khac}");
        let p = preview(&c, &Vars::default());
        assert_eq!(p.message.text, "Chào {Tên khách}, mã {ten_khac}");
        assert_eq!(p.missing, ["ten_khach"]);
        assert_eq!(p.unknown, ["ten_khac"]);
        assert!(!p.empty);
        let p = preview(&content(""), &Vars::default());
        assert!(p.empty);
        assert_eq!(p.clone().into_result(), Err(Unsendable::Empty));
    }

    #[test]
    fn message_for_is_the_preview_when_it_lists_nothing() {
        let c = Content {
            text: "Chào {ten_khach}".into(),
            product: Some(ProductCard {
                name: "Áo".into(),
                price_vnd: 99_000,
                image: None,
            }),
            ..Content::default()
        };
        let p = preview(&c, &lan());
        assert!(p.missing.is_empty() && p.unknown.is_empty() && !p.empty);
        assert_eq!(message_for(&c, &lan()), Ok(p.message));
    }

    #[test]
    fn freeze_keeps_the_sendable_and_holds_back_the_rest() {
        use crate::audience::{Audience, Candidate, Reach, Unreachable};
        use nobi_protocol::{Platform, ThreadRef};
        let thread = |id: &str| Reach::Thread {
            to: ThreadRef {
                platform: Platform::Instagram,
                thread_id: id.into(),
            },
            account: Some("shop".into()),
        };
        let candidate = |id: &str, reach| Candidate {
            customer_id: id.into(),
            name: id.to_uppercase(),
            reach,
        };
        let audience = Audience {
            candidates: vec![
                candidate("lan", thread("t1")),
                candidate("mai", thread("t2")),
                candidate(
                    "hoa",
                    Reach::Unreachable {
                        why: Unreachable::NoConversation,
                    },
                ),
            ],
            ..Default::default()
        };
        let content = Content {
            text: "Chào {ten_khach}".into(),
            ..Default::default()
        };
        let frozen = freeze(&audience, &content, |id, _| Vars {
            ten_khach: (id == "lan").then(|| "chị Lan".to_owned()),
            ..Default::default()
        });
        assert_eq!(frozen.recipients.len(), 1);
        assert_eq!(frozen.recipients[0].text, "Chào chị Lan");
        assert_eq!(frozen.recipients[0].account.as_deref(), Some("shop"));
        assert_eq!(
            frozen.held_back.len(),
            1,
            "mai has no name; hoa cannot be reached at all"
        );
        assert_eq!(frozen.held_back[0].0, "mai");
        // Two customer records of one buyer, in one thread: the second is held back.
        let twice = Audience {
            candidates: vec![
                candidate("lan", thread("t1")),
                candidate("lan-2", thread("t1")),
            ],
            ..Default::default()
        };
        let frozen = freeze(&twice, &content, |_, _| Vars {
            ten_khach: Some("chị Lan".into()),
            ..Default::default()
        });
        assert_eq!(frozen.recipients.len(), 1);
        assert_eq!(
            frozen.held_back[0].2,
            Unsendable::SameThread {
                customer_id: "lan".into()
            }
        );
    }
}
