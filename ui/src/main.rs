//! Mounts the side panel. Everything else is in the library.

/// Slack for wasm-split's data relocation: it moves each chunk's data next to the chunk's other
/// data, aligning every chunk's share, so the relocated read-only segment comes out a little
/// longer than the linked one; a segment that would grow is kept whole in the first module
/// ("Overlong segment … putting it in main module"), strings of every chunk included. This
/// block is kept by the linker (`#[used]`) but used by no code, so wasm-split drops it and the
/// segment has room to spare. Its bytes are not zero so that it lands in `.rodata`.
#[used]
static DATA_SPLIT_SLACK: [u8; 8192] = [0x55; 8192];

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(nobi_ui::App);
}
