//! CronJobs: `SetDefaults_CronJob` (pkg/apis/batch/v1/defaults.go) and
//! `ValidateCronJobCreate` / `validateCronJobSpec` (pkg/apis/batch/validation/validation.go).

use super::{
    Cx, bool_at, child, entries, go_quote, int_at, int32, invalid, job_spec, nonnegative,
    object_meta, required, span_or, text, to_labels, unsupported,
};
use crate::manifest::tree::Node;
use crate::model::cron::{Schedule, parse};
use crate::model::cronjob::{ConcurrencyPolicy, CronJob, CronJobSpec, CronJobStatus, JobTemplate};
use crate::model::kind::Kind;
use crate::model::meta::Meta;

/// `DNS1035LabelMaxLength - 11`: the controller appends `-<minutes since the epoch>` (11
/// characters for the next centuries) and a Job name must stay a 63-character label.
const MAX_NAME: usize = 52;

/// A CronJob: schedule required and parseable by robfig's `ParseStandard` with no `TZ`
/// in it; concurrencyPolicy Allow (default), Forbid or Replace; startingDeadlineSeconds and
/// the history limits (defaults 3 and 1) not negative; the job template validated as a
/// Job's spec; the name at most 52 characters.
pub(super) fn cron_job(cx: &mut Cx, root: &Node) -> CronJob {
    let (name, labels) = object_meta(cx, root, Kind::CronJob);
    if name.len() > MAX_NAME {
        let at = span_or(child(child(Some(root), "metadata"), "name"), root.span);
        cx.err(
            at,
            "metadata.name",
            invalid(go_quote(&name), "must be no more than 52 characters"),
        );
    }
    let spec = child(Some(root), "spec");
    let at = span_or(spec, root.span);
    let schedule = text(spec, "schedule").to_string();
    let parsed = schedule_of(cx, spec, at, &schedule);
    let time_zone = child(spec, "timeZone").map(|n| {
        let tz = text(spec, "timeZone").to_string();
        time_zone(cx, n, &tz);
        tz
    });
    let count = |cx: &mut Cx, key: &str| {
        int_at(spec, key).map(|(n, at)| {
            nonnegative(cx, at, &format!("spec.{key}"), n);
            n
        })
    };
    let starting_deadline_seconds = count(cx, "startingDeadlineSeconds");
    let successful_jobs_history_limit = count(cx, "successfulJobsHistoryLimit").map_or(3, int32);
    let failed_jobs_history_limit = count(cx, "failedJobsHistoryLimit").map_or(1, int32);
    let concurrency_policy = match text(spec, "concurrencyPolicy") {
        "" | "Allow" => ConcurrencyPolicy::Allow,
        "Forbid" => ConcurrencyPolicy::Forbid,
        "Replace" => ConcurrencyPolicy::Replace,
        other => {
            cx.err(
                span_or(child(spec, "concurrencyPolicy"), at),
                "spec.concurrencyPolicy",
                unsupported(other, &["Allow", "Forbid", "Replace"]),
            );
            ConcurrencyPolicy::Allow
        }
    };
    let template = child(spec, "jobTemplate");
    let t_at = span_or(template, at);
    let meta = child(template, "metadata");
    let job_spec = job_spec(cx, child(template, "spec"), t_at, "spec.jobTemplate.spec");
    CronJob {
        meta: Meta::new(name, None, labels),
        spec: CronJobSpec {
            schedule,
            parsed,
            time_zone,
            starting_deadline_seconds,
            concurrency_policy,
            suspend: bool_at(spec, "suspend"),
            successful_jobs_history_limit,
            failed_jobs_history_limit,
            job_template: JobTemplate {
                labels: to_labels(&entries(child(meta, "labels"))),
                annotations: to_labels(&entries(child(meta, "annotations"))),
                spec: job_spec,
            },
        },
        status: CronJobStatus::default(),
    }
}

/// `validateScheduleFormat` on create: `ParseStandard` must accept it, and `TZ`/`CRON_TZ`
/// is refused in favour of `timeZone`. A refused schedule yields a placeholder (the
/// document is rejected anyway).
fn schedule_of(cx: &mut Cx, spec: Option<&Node>, at: super::Span, schedule: &str) -> Schedule {
    let s_at = span_or(child(spec, "schedule"), at);
    if schedule.is_empty() {
        cx.err(s_at, "spec.schedule", required(""));
        return Schedule::Every { secs: 1 };
    }
    let parsed = parse(schedule);
    if let Err(e) = &parsed {
        cx.err(s_at, "spec.schedule", invalid(go_quote(schedule), e));
    }
    if schedule.contains("TZ") {
        cx.err(
            s_at,
            "spec.schedule",
            invalid(
                go_quote(schedule),
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            ),
        );
    }
    parsed.unwrap_or(Schedule::Every { secs: 1 })
}

/// `validateTimeZone`: non-empty, not `Local`, and a zone `time.LoadLocation` knows (here
/// jiff's bundled IANA database).
fn time_zone(cx: &mut Cx, n: &Node, tz: &str) {
    let at = n.span;
    if tz.is_empty() {
        cx.err(
            at,
            "spec.timeZone",
            invalid(go_quote(tz), "timeZone must be nil or non-empty string"),
        );
    } else if tz.eq_ignore_ascii_case("Local") {
        cx.err(
            at,
            "spec.timeZone",
            invalid(
                go_quote(tz),
                "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
            ),
        );
    } else if let Err(e) = crate::model::cron::zone(tz) {
        cx.err(at, "spec.timeZone", invalid(go_quote(tz), &e));
    }
}

#[cfg(test)]
mod tests {
    //! After `TestValidateCronJob` (pkg/apis/batch/validation/validation_test.go) and
    //! `SetDefaults_CronJob`.
    use super::*;
    use crate::manifest::read_manifests;
    use crate::model::object::NewObject;

    fn src(name: &str, spec: &str) -> String {
        format!(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: {name}}}\nspec:\n{spec}  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers: [{{name: c, image: busybox}}]\n"
        )
    }

    fn extract(s: &str) -> Result<NewObject, Vec<String>> {
        let (docs, problems) = read_manifests(s);
        assert!(problems.is_empty(), "schema problems: {problems:?}");
        super::super::extract(&docs[0]).map_err(|p| p.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn defaults_are_allow_not_suspended_and_history_limits_3_and_1() {
        let Ok(NewObject::CronJob(cj)) = extract(&src("pi", "  schedule: \"@hourly\"\n")) else {
            panic!("a CronJob");
        };
        assert_eq!(cj.spec.concurrency_policy, ConcurrencyPolicy::Allow);
        assert!(!cj.spec.suspend);
        assert_eq!(cj.spec.successful_jobs_history_limit, 3);
        assert_eq!(cj.spec.failed_jobs_history_limit, 1);
        assert_eq!(cj.spec.time_zone, None);
        // The template is a Job spec, defaulted as SetDefaults_Job does.
        assert_eq!(cj.spec.job_template.spec.backoff_limit, 6);
        assert_eq!(cj.spec.job_template.spec.completions, Some(1));
    }

    #[test]
    fn bad_schedules_policies_zones_and_names_are_refused_as_the_api_server_does() {
        let one = |name: &str, spec: &str| extract(&src(name, spec)).unwrap_err();
        assert_eq!(
            one("pi", "  schedule: \"* * *\"\n"),
            [
                "spec.schedule: Invalid value: \"* * *\": expected exactly 5 fields, found 3: [* * *]"
            ]
        );
        assert_eq!(
            one("pi", "  schedule: \"TZ=UTC 0 0 * * *\"\n"),
            [
                "spec.schedule: Invalid value: \"TZ=UTC 0 0 * * *\": expected exactly 5 fields, found 6: [TZ=UTC 0 0 * * *]",
                "spec.schedule: Invalid value: \"TZ=UTC 0 0 * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
            ]
        );
        assert_eq!(
            one(
                "pi",
                "  schedule: \"@hourly\"\n  concurrencyPolicy: Sometimes\n"
            ),
            [
                "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\""
            ]
        );
        assert_eq!(
            one(
                "pi",
                "  schedule: \"@hourly\"\n  startingDeadlineSeconds: -1\n"
            ),
            ["spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0"]
        );
        assert_eq!(
            one("pi", "  schedule: \"@hourly\"\n  timeZone: Local\n"),
            [
                "spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
            ]
        );
        assert_eq!(
            one(
                "pi",
                "  schedule: \"@hourly\"\n  timeZone: Mars/Olympus_Mons\n"
            ),
            [
                "spec.timeZone: Invalid value: \"Mars/Olympus_Mons\": unknown time zone Mars/Olympus_Mons"
            ]
        );
        assert!(
            extract(&src(
                "pi",
                "  schedule: \"@hourly\"\n  timeZone: Europe/Paris\n"
            ))
            .is_ok()
        );
        let long = "a".repeat(53);
        assert_eq!(
            one(&long, "  schedule: \"@hourly\"\n"),
            [format!(
                "metadata.name: Invalid value: \"{long}\": must be no more than 52 characters"
            )]
        );
        assert!(
            extract(&src(
                &"a".repeat(52),
                "  schedule: \"@hourly\"\n  timeZone: Etc/UTC\n"
            ))
            .is_ok()
        );
    }
}
