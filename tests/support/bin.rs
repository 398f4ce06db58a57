//! The `cam` command line, built inside this package so that tests can
//! start real server processes (`CARGO_BIN_EXE_cam-under-test`).

#[tokio::main]
async fn main() -> std::process::ExitCode {
    cam_api::cli::run().await
}
