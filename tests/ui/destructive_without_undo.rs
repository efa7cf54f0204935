// A destructive action needs an undo window or confirm-first.
#[derive(serde::Serialize, serde::Deserialize, rtux::Resource)]
#[rtux(topic = "notes:*")]
#[rtux(action(
    delete(kind = "delete"),
    remove_tag(kind = "pending"),
    clear(kind = "delete", undo_window = "5s", confirm_first),
    trash(kind = "delete", undo_window = "5s"),
    purge(kind = "delete", confirm_first),
))]
struct Note {
    id: String,
    version: i64,
    title: String,
}

fn main() {}
