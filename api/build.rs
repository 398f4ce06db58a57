//! Names the commit this binary is built from (`cam --version`, the
//! `cam_build_info` metric): `CAM_COMMIT` if set, else git's, else `unknown`.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=CAM_COMMIT");
    for head in ["../.git/HEAD", "../.git/refs/heads"] {
        if std::path::Path::new(head).exists() {
            println!("cargo:rerun-if-changed={head}");
        }
    }
    let commit = std::env::var("CAM_COMMIT").ok().filter(|c| !c.is_empty()).or_else(|| {
        Command::new("git")
            .args(["rev-parse", "--short=12", "HEAD"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    });
    println!("cargo:rustc-env=CAM_COMMIT={}", commit.unwrap_or_else(|| "unknown".into()));
}
