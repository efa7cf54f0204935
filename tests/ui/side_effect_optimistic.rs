// Irreversible or side-effecting actions can't be optimistic.
#[derive(serde::Serialize, serde::Deserialize, rtux::Model)]
#[rtux(topic = "invoices:*")]
#[rtux(action(
    send_invoice(kind = "pending", with = "Invoice::send"),
    archive_all(kind = "server_corrects", with = "Invoice::archive", irreversible),
    charge(kind = "confirm_first", with = "Invoice::charge"),
    publish_draft(kind = "pending", with = "Invoice::publish", reversible),
))]
struct Invoice {
    id: String,
    version: i64,
    total: i64,
}

impl Invoice {
    fn send(&self, _: ()) -> Result<Invoice, rtux::action::Reject> { unimplemented!() }
    fn archive(&self, _: ()) -> Result<Invoice, rtux::action::Reject> { unimplemented!() }
    fn charge(&self, _: ()) -> Result<Invoice, rtux::action::Reject> { unimplemented!() }
    fn publish(&self, _: ()) -> Result<Invoice, rtux::action::Reject> { unimplemented!() }
}

fn main() {}
