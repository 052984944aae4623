//! What a started container's process does: when it exits and with which code, and when it
//! passes readiness. Kubernetes cannot know this; kubesim reads it from the scenario's
//! `images:` table, else from the parts of `command`/`args` it can read, else from the base
//! images users know exit at once (docs/scenario.md `images:`).

use crate::model::image::ImageCatalog;
use crate::model::pod::Container;
use crate::sim::time::SimDuration;

/// A container's process as kubesim plays it, the same on every start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Process {
    /// Exits this long after it starts, with this code; `None` serves until stopped.
    pub exit: Option<(SimDuration, i32)>,
    /// Passes readiness this long after it starts.
    pub ready_after: SimDuration,
}

/// Base images whose default command is a shell or a no-op that exits 0 at once when run
/// without a command and without a terminal (`kubectl run tmp --image=busybox`).
const EXIT_AT_ONCE: &[&str] = &["busybox", "alpine", "ubuntu", "debian"];

/// The process of `c`: the `images:` entry's `crashAfter`/`runFor` first, then the command
/// line, then the base-image rule; otherwise it serves forever.
pub fn of(c: &Container, images: &ImageCatalog) -> Process {
    let spec = images.get(&c.image);
    let ready_after = SimDuration(spec.map_or(0, |s| s.ready_after_us));
    if let Some(s) = spec
        && let Some(after) = s.exit_after_us
    {
        return Process {
            exit: Some((SimDuration(after), s.exit_code)),
            ready_after,
        };
    }
    let words: Vec<&str> = c
        .command
        .iter()
        .chain(c.args.iter())
        .map(String::as_str)
        .collect();
    let exit = if words.is_empty() {
        EXIT_AT_ONCE
            .contains(&repository_name(&c.image))
            .then_some((SimDuration(0), 0))
    } else {
        command_line(&words)
    };
    Process { exit, ready_after }
}

/// The last path component of an image reference without tag or digest
/// (`docker.io/library/busybox:1.36` → `busybox`).
fn repository_name(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last)
}

/// A command kubesim can read: `sleep N`, `true`, `false`, `echo ...`, `exit N`, or
/// `sh -c "..."` / `bash -c "..."` over a script of those joined by `;`, `&&` or newlines.
/// `None` for anything else (a server: it runs until stopped).
pub fn command_line(words: &[&str]) -> Option<(SimDuration, i32)> {
    let program = words.first()?.rsplit('/').next()?;
    if matches!(program, "sh" | "bash" | "ash") && words.get(1) == Some(&"-c") {
        return script(words.get(2)?);
    }
    simple(words)
}

/// One simple command: how long it runs and its exit code, or `None` if unknown.
fn simple(words: &[&str]) -> Option<(SimDuration, i32)> {
    let program = words.first()?.rsplit('/').next()?;
    match program {
        "true" => Some((SimDuration(0), 0)),
        "false" => Some((SimDuration(0), 1)),
        "echo" => Some((SimDuration(0), 0)),
        "exit" => {
            let code = words.get(1).map_or(Some(0), |c| c.parse::<i32>().ok())?;
            Some((SimDuration(0), code & 0xff))
        }
        "sleep" if words.len() == 2 => sleep_seconds(words[1]).map(|d| (d, 0)),
        _ => None,
    }
}

/// `sleep`'s operand: seconds with an optional `s`, `m`, `h`, `d` suffix (coreutils/busybox);
/// `infinity` never returns.
fn sleep_seconds(arg: &str) -> Option<SimDuration> {
    let (num, unit) = match arg.char_indices().last()? {
        (i, c @ ('s' | 'm' | 'h' | 'd')) => (&arg[..i], c),
        _ => (arg, 's'),
    };
    let secs: f64 = num
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)?;
    let mult = match unit {
        's' => 1.0,
        'm' => 60.0,
        'h' => 3600.0,
        _ => 86_400.0,
    };
    Some(SimDuration((secs * mult * 1e6).round() as u64))
}

/// A shell script of simple commands: their run times add up; `exit N` ends it; otherwise the
/// last command's code is the script's. `&&` stops at a failing command, `;` does not.
fn script(text: &str) -> Option<(SimDuration, i32)> {
    let mut total = SimDuration(0);
    let mut code = 0;
    let normalized = text.replace('\n', ";");
    for stmt in normalized.split(';') {
        for (i, part) in stmt.split("&&").enumerate() {
            if i > 0 && code != 0 {
                break;
            }
            let words: Vec<&str> = part
                .split_whitespace()
                .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
                .collect();
            if words.is_empty() {
                continue;
            }
            let (d, c) = simple(&words)?;
            total = total + d;
            code = c;
            if words[0] == "exit" {
                return Some((total, code));
            }
        }
    }
    Some((total, code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::etcd::store::testing::container;
    use crate::model::image::ImageSpec;

    const S: u64 = 1_000_000;

    fn with(image: &str, command: &[&str], args: &[&str]) -> Container {
        let mut c = container("app", image, 0);
        c.command = command.iter().map(|s| s.to_string()).collect();
        c.args = args.iter().map(|s| s.to_string()).collect();
        c
    }

    fn exit_of(image: &str, command: &[&str], args: &[&str]) -> Option<(u64, i32)> {
        of(&with(image, command, args), &ImageCatalog::new())
            .exit
            .map(|(d, c)| (d.as_micros(), c))
    }

    #[test]
    fn readable_commands_run_that_long_and_exit_with_that_code() {
        assert_eq!(exit_of("busybox", &["sleep", "30"], &[]), Some((30 * S, 0)));
        assert_eq!(exit_of("busybox", &["sleep"], &["1m"]), Some((60 * S, 0)));
        assert_eq!(
            exit_of("busybox", &["sh", "-c", "exit 3"], &[]),
            Some((0, 3))
        );
        assert_eq!(
            exit_of("busybox", &["/bin/sh", "-c", "sleep 5; exit 1"], &[]),
            Some((5 * S, 1))
        );
        assert_eq!(
            exit_of("busybox", &["sh"], &["-c", "echo hi && sleep 2"]),
            Some((2 * S, 0))
        );
        assert_eq!(exit_of("ubuntu", &["false"], &[]), Some((0, 1)));
        assert_eq!(exit_of("ubuntu", &["true"], &[]), Some((0, 0)));
        assert_eq!(exit_of("busybox", &["sleep", "infinity"], &[]), None);
        assert_eq!(
            exit_of("nginx:1.25", &["nginx", "-g", "daemon off;"], &[]),
            None
        );
    }

    #[test]
    fn shell_base_images_without_a_command_exit_zero_at_once() {
        for image in [
            "busybox",
            "alpine:3.20",
            "docker.io/library/ubuntu:24.04",
            "debian",
        ] {
            assert_eq!(exit_of(image, &[], &[]), Some((0, 0)), "{image}");
        }
        assert_eq!(exit_of("nginx", &[], &[]), None);
        assert_eq!(exit_of("registry.example/busybox-app:v1", &[], &[]), None);
    }

    #[test]
    fn a_declared_image_wins_over_the_command() {
        let mut images = ImageCatalog::new();
        images.insert(
            "registry.example/app:v2".into(),
            ImageSpec {
                exit_after_us: Some(3 * S),
                exit_code: 1,
                ready_after_us: 2 * S,
                ..Default::default()
            },
        );
        let p = of(
            &with("registry.example/app:v2", &["sleep", "100"], &[]),
            &images,
        );
        assert_eq!(p.exit, Some((SimDuration(3 * S), 1)));
        assert_eq!(p.ready_after, SimDuration(2 * S));
    }
}
