// Rules that depend on a field's type.
#[derive(serde::Serialize, serde::Deserialize, rtux::Model)]
#[rtux(topic = "notes:*")]
struct Note {
    id: i32,
    version: String,
    #[rtux(merge = "set_union")]
    title: String,
    #[rtux(optimistic = "toggle")]
    body: String,
    #[rtux(optimistic = "increment")]
    done: bool,
}

fn main() {}
