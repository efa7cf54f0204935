//! The Prometheus endpoint: rtux's metrics (and the app's own, recorded
//! through the same facade) in the text exposition format.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Where [`Prometheus::router`] serves the metrics.
pub const METRICS_PATH: &str = "/_rtux/metrics";

/// How often the recorder folds its histograms' samples.
pub const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The installed Prometheus recorder of this process.
///
/// ```no_run
/// let metrics = rtux::telemetry::Prometheus::install().expect("the first recorder");
/// let app: axum::Router = axum::Router::new().merge(metrics.router());
/// # let _ = app;
/// ```
#[derive(Clone, Debug)]
pub struct Prometheus {
    handle: PrometheusHandle,
}

/// Why the metrics recorder could not be installed.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// Another recorder is installed already (or the exporter failed).
    #[error("the metrics recorder could not be installed: {0}")]
    Recorder(#[from] metrics_exporter_prometheus::BuildError),
    /// The thread that folds the histograms could not start.
    #[error("the metrics upkeep thread could not start: {0}")]
    Upkeep(#[from] std::io::Error),
}

impl Prometheus {
    /// Installs the process's metrics recorder (once per process) and
    /// describes rtux's metrics. A thread of its own folds the histograms'
    /// samples every [`UPKEEP_EVERY`], so they stay bounded when nobody
    /// scrapes.
    ///
    /// # Errors
    /// Another recorder is installed already.
    pub fn install() -> Result<Prometheus, InstallError> {
        let handle = PrometheusBuilder::new().install_recorder()?;
        super::describe();
        let upkeep = handle.clone();
        std::thread::Builder::new()
            .name("rtux-metrics-upkeep".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(UPKEEP_EVERY);
                    upkeep.run_upkeep();
                }
            })?;
        Ok(Prometheus { handle })
    }

    /// The metrics now, in Prometheus's text format.
    pub fn render(&self) -> String {
        self.handle.render()
    }

    /// `GET /_rtux/metrics`: mount it where only the scraper reaches it (or
    /// behind the app's own guard); the metrics say how busy the app is.
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        let handle = self.handle.clone();
        Router::new().route(
            METRICS_PATH,
            get(move || {
                let text = handle.render();
                async move {
                    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
                }
            }),
        )
    }
}
