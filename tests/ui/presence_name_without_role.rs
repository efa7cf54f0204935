// A presence meta field called `name` is identity: it comes from the token, so
// it must carry the `name` role; read from the join payload it would let a
// client claim any name.
#[derive(serde::Serialize, serde::Deserialize, rtux::PresenceMeta)]
struct Viewer {
    name: String,
    role: Option<String>,
}

fn main() {}
