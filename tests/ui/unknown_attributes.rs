// Unknown attributes and values, with "did you mean" when one is close.
#[derive(serde::Serialize, serde::Deserialize, rtux::Model)]
#[rtux(topik = "notes:*", frobnicate = 1)]
#[rtux(action(rename(kind = "pendng"), archive(kidn = "delete")))]
struct Note {
    id: String,
    version: i64,
    #[rtux(skelton = "title")]
    title: String,
    #[rtux(skeleton = "avatr", merge = "set-union", optimistic = "toggel")]
    body: String,
    #[rtux(topic = "x")]
    done: bool,
}

#[derive(rtux::PresenceMeta)]
#[rtux(typing_expiry = "3s", cursor_rat = 10)]
struct Viewer {
    #[rtux(colour)]
    color: String,
    #[rtux(name = "x")]
    name: String,
}

fn main() {}
