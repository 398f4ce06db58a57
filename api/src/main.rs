//! The `cam` binary: everything lives in `cam_api::cli`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    cam_api::cli::run().await
}
