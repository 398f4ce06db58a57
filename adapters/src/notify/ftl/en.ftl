# Emails of the Client Access Manager, in English (R55).
# Every message exists in every language with the same variables (a test
# checks it). Dates come formatted in the language's usual form; lists come
# as lines. The product's terms: partner seat, Partner Admin, super admin.

## The frame of every email

email-greeting = Hello { $name },
email-signature = Client Access Manager
link-client = Open the client account:
link-audit = See what happened in the account's audit log:
link-access-links = See your partner account's access links:
link-domains = See your partner account's domains:
list-and-more = { $list } and { $more } more
list-separator = {", "}

## R10: the client approved the worker's access link

access-link-approved-subject = { $client } approved your access
access-link-approved-body =
    { $approver } approved your access link. You are now a partner admin of { $client } for { $partner }, with the partner seat, until you are removed or the managed relationship ends.

    The Partner Admin permissions you hold there:
    { $permissions }

## R13: a partner admin added the worker to a client

membership-added-subject = You now have access to { $client }
membership-added-body = { $adder } added you to { $client } for { $partner }.

## R22: a client added the user

client-user-added-subject = You were added to { $client }
client-user-added-body = { $adder } added you to { $client }.

## R40: a partner admin added the worker to many clients

clients-added-subject =
    { $count ->
        [one] You now have access to 1 client account
       *[other] You now have access to { $count } client accounts
    }
clients-added-body = { $adder } gave you access to { $clients } for { $partner }.

## R37: the managed relationship is ending, or has ended

relationship-ending-subject =
    { $days ->
        [one] { $partner }'s managed relationship with { $display } ends in 1 day
       *[other] { $partner }'s managed relationship with { $display } ends in { $days } days
    }
relationship-ending-body =
    { $partner } has no active user in the client account { $client } ({ $display }) any more. The managed relationship ends on { $ends } ({ $time } UTC), 60 days after its last qualifying activity on { $last }.

    To keep it, add or reactivate a user there, approve an access link, or change a partner user's permissions before then.
relationship-ended-partner-subject = { $partner }'s managed relationship with { $display } has ended
relationship-ended-partner-body =
    { $partner } had no active user in the client account { $client } ({ $display }) for 60 days after its last qualifying activity ({ $last }), so the managed relationship ended on { $ends }.

    Approving a new access link starts it again.
relationship-ended-client-subject = { $client }: the partner { $partner } no longer manages your account
relationship-ended-client-body = The managed relationship between the partner { $partner } and your account { $client } ended on { $ends }: the partner has had no active user in { $client } since, and no qualifying activity for 60 days.

## R38, R39: a partner deactivated or removed its users in a client

offboarding-subject =
    { $what ->
        [removed] { $client }: { $partner } removed { $count ->
            [one] 1 of its users
           *[other] { $count } of its users
        }
        [expired] { $client }: { $count ->
            [one] 1 of its users
           *[other] { $count } of its users
        } of { $partner } lost access
       *[deactivated] { $client }: { $partner } deactivated { $count ->
            [one] 1 of its users
           *[other] { $count } of its users
        }
    }
offboarding-body =
    { $what ->
        [removed] The partner { $partner } removed { $count ->
            [one] 1 of its users
           *[other] { $count } of its users
        } in your account { $client }:
        [expired] The time-boxed access of { $count ->
            [one] 1 user
           *[other] { $count } users
        } of the partner { $partner } in your account { $client } expired, so they were deactivated:
       *[deactivated] The partner { $partner } deactivated { $count ->
            [one] 1 of its users
           *[other] { $count } of its users
        } in your account { $client }:
    }

    { $people }

    { $what ->
        [removed] Their assets were kept: { $reassigned } reassigned to another member of { $client }, { $unassigned } left without an owner.
       *[other] Their memberships, data and assets are kept; they can no longer act in this account.
    }

## R39: the worker's time-boxed access ends soon

membership-expiring-subject = Your access to { $client } ends on { $date }
membership-expiring-body =
    Your access to the client account { $client } on behalf of { $partner } ends on { $date } ({ $time } UTC), in { $days } days or less. After that your membership there is deactivated; your assets stay.

    A partner admin of { $client } can extend or clear the end date.

## R54: the client declined the worker's access link

access-link-declined-subject = { $client } declined your access link
access-link-declined-body = { $client } declined your access link: you do not become a partner admin of { $client } for { $partner }. Nothing was granted; the link stays valid for other client accounts.
access-link-declined-note =
    Their note:
    { $note }

## R52: a verified domain's DNS proof

domain-check-failing-subject = The DNS proof of { $domain } was not found
domain-check-failing-body =
    Today's check of { $domain } for { $partner } did not find the TXT record _cam-verification.{ $domain } with its value.

    Publish the record again: after 7 days of failed checks, { $domain } is no longer verified and no new partner seat can be given through it. Seats already held are kept.
domain-lapsed-subject = { $domain } is no longer verified
domain-lapsed-body =
    The TXT record _cam-verification.{ $domain } of { $partner } has been missing for 7 days, so { $domain } is no longer verified. No new partner seat can be given through it; seats already held are kept.

    Publish the record again and check the domain to verify it anew.

## The permissions, as the product names them

permission-CONTACTS_VIEW = View contacts
permission-CONTACTS_EDIT = Edit contacts
permission-COMPANIES_VIEW = View companies
permission-COMPANIES_EDIT = Edit companies
permission-DEALS_VIEW = View deals
permission-DEALS_EDIT = Edit deals
permission-TICKETS_VIEW = View tickets
permission-TICKETS_EDIT = Edit tickets
permission-MARKETING_ACCESS = Marketing access
permission-CONTENT_PUBLISH = Publish content
permission-WORKFLOWS_EDIT = Edit workflows
permission-REPORTS_ACCESS = Reports access
permission-USERS_ADD_EDIT = Add and edit users
permission-TEAMS_EDIT = Edit teams
permission-ACCOUNT_SETTINGS_EDIT = Edit account settings
permission-PAYMENT_CONNECTION_CREATE = Connect payment processing
permission-PAYMENT_TOOLS_ACCESS = Payment tools access
permission-BILLING_VIEW = View billing
permission-BILLING_EDIT = Edit billing
permission-SCIM_PROVISIONING = SCIM user provisioning
permission-DATA_CENTER_MIGRATION = Data center migration
permission-SUPER_ADMIN_MANAGE = Manage super admins
permission-SENSITIVE_DATA_MANAGE = Manage sensitive data
permission-PARTNER_EMPLOYEE_MANAGEMENT_VIEW = View partner employee management
permission-PARTNER_EMPLOYEE_MANAGEMENT_EDIT = Edit partner employee management
