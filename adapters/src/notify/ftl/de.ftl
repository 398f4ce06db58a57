# Die E-Mails des Client Access Manager auf Deutsch (R55).
# Jede Nachricht gibt es in jeder Sprache mit denselben Variablen (ein Test
# prüft das). Datumsangaben kommen bereits in deutscher Schreibweise, Listen
# zeilenweise. Die Begriffe des Produkts: Partner-Sitz, Partner Admin,
# Super-Admin.

## Der Rahmen jeder E-Mail

email-greeting = Hallo { $name },
email-signature = Client Access Manager
link-client = Zum Kundenkonto:
link-audit = Was geschehen ist, steht im Audit-Log des Kontos:
link-access-links = Zu den Zugriffslinks Ihres Partnerkontos:
link-domains = Zu den Domains Ihres Partnerkontos:
list-and-more = { $list } und { $more } weitere
list-separator = {", "}

## R10: Der Kunde hat den Zugriffslink genehmigt

access-link-approved-subject = { $client } hat Ihren Zugriff genehmigt
access-link-approved-body =
    { $approver } hat Ihren Zugriffslink genehmigt. Sie sind jetzt Partner Admin von { $client } für { $partner }, mit dem Partner-Sitz, bis Sie entfernt werden oder die verwaltete Beziehung endet.

    Ihre Partner-Admin-Berechtigungen in diesem Konto:
    { $permissions }

## R13: Ein Partner Admin hat den Mitarbeiter einem Kunden hinzugefügt

membership-added-subject = Sie haben jetzt Zugriff auf { $client }
membership-added-body = { $adder } hat Sie für { $partner } zu { $client } hinzugefügt.

## R22: Ein Kunde hat den Benutzer hinzugefügt

client-user-added-subject = Sie wurden zu { $client } hinzugefügt
client-user-added-body = { $adder } hat Sie zu { $client } hinzugefügt.

## R40: Ein Partner Admin hat den Mitarbeiter mehreren Kunden hinzugefügt

clients-added-subject =
    { $count ->
        [one] Sie haben jetzt Zugriff auf 1 Kundenkonto
       *[other] Sie haben jetzt Zugriff auf { $count } Kundenkonten
    }
clients-added-body = { $adder } hat Ihnen für { $partner } Zugriff auf { $clients } gegeben.

## R37: Die verwaltete Beziehung endet bald oder ist beendet

relationship-ending-subject =
    { $days ->
        [one] Die verwaltete Beziehung von { $partner } mit { $display } endet in 1 Tag
       *[other] Die verwaltete Beziehung von { $partner } mit { $display } endet in { $days } Tagen
    }
relationship-ending-body =
    { $partner } hat keinen aktiven Benutzer mehr im Kundenkonto { $client } ({ $display }). Die verwaltete Beziehung endet am { $ends } um { $time } Uhr UTC, 60 Tage nach ihrer letzten relevanten Aktivität am { $last }.

    Um sie zu behalten, fügen Sie dort bis dahin einen Benutzer hinzu oder reaktivieren ihn, genehmigen einen Zugriffslink oder ändern die Berechtigungen eines Partnerbenutzers.
relationship-ended-partner-subject = Die verwaltete Beziehung von { $partner } mit { $display } ist beendet
relationship-ended-partner-body =
    { $partner } hatte nach der letzten relevanten Aktivität ({ $last }) 60 Tage lang keinen aktiven Benutzer im Kundenkonto { $client } ({ $display }). Die verwaltete Beziehung ist deshalb am { $ends } beendet worden.

    Mit der Genehmigung eines neuen Zugriffslinks beginnt sie von Neuem.
relationship-ended-client-subject = { $client }: Der Partner { $partner } verwaltet Ihr Konto nicht mehr
relationship-ended-client-body = Die verwaltete Beziehung zwischen dem Partner { $partner } und Ihrem Konto { $client } ist am { $ends } beendet worden: Der Partner hat seitdem keinen aktiven Benutzer mehr in { $client } und seit 60 Tagen keine relevante Aktivität.

## R38, R39: Ein Partner hat seine Benutzer in einem Kundenkonto deaktiviert oder entfernt

offboarding-subject =
    { $what ->
        [removed] { $client }: { $partner } hat { $count ->
            [one] 1 seiner Benutzer
           *[other] { $count } seiner Benutzer
        } entfernt
        [expired] { $client }: { $count ->
            [one] 1 Benutzer von { $partner } hat keinen Zugriff mehr
           *[other] { $count } Benutzer von { $partner } haben keinen Zugriff mehr
        }
       *[deactivated] { $client }: { $partner } hat { $count ->
            [one] 1 seiner Benutzer
           *[other] { $count } seiner Benutzer
        } deaktiviert
    }
offboarding-body =
    { $what ->
        [removed] Der Partner { $partner } hat { $count ->
            [one] 1 seiner Benutzer
           *[other] { $count } seiner Benutzer
        } aus Ihrem Konto { $client } entfernt:
        [expired] Der befristete Zugriff von { $count ->
            [one] 1 Benutzer
           *[other] { $count } Benutzern
        } des Partners { $partner } in Ihrem Konto { $client } ist abgelaufen; sie wurden deaktiviert:
       *[deactivated] Der Partner { $partner } hat { $count ->
            [one] 1 seiner Benutzer
           *[other] { $count } seiner Benutzer
        } in Ihrem Konto { $client } deaktiviert:
    }

    { $people }

    { $what ->
        [removed] Ihre Assets bleiben erhalten: { $reassigned } einem anderen Mitglied von { $client } zugewiesen, { $unassigned } ohne Eigentümer.
       *[other] Ihre Mitgliedschaften, Daten und Assets bleiben erhalten; sie können in diesem Konto nur nicht mehr handeln.
    }

## R39: Der befristete Zugriff des Mitarbeiters endet bald

membership-expiring-subject = Ihr Zugriff auf { $client } endet am { $date }
membership-expiring-body =
    Ihr Zugriff auf das Kundenkonto { $client } im Auftrag von { $partner } endet am { $date } um { $time } Uhr UTC, also in höchstens { $days } Tagen. Danach wird Ihre Mitgliedschaft dort deaktiviert; Ihre Assets bleiben erhalten.

    Ein Partner Admin von { $client } kann das Enddatum verlängern oder aufheben.

## R54: Der Kunde hat den Zugriffslink abgelehnt

access-link-declined-subject = { $client } hat Ihren Zugriffslink abgelehnt
access-link-declined-body = { $client } hat Ihren Zugriffslink abgelehnt: Sie werden nicht Partner Admin von { $client } für { $partner }. Es wurde nichts gewährt; der Link bleibt für andere Kundenkonten gültig.
access-link-declined-note =
    Die Nachricht dazu:
    { $note }

## R52: Der DNS-Nachweis einer verifizierten Domain

domain-check-failing-subject = Der DNS-Nachweis von { $domain } wurde nicht gefunden
domain-check-failing-body =
    Die heutige Prüfung von { $domain } für { $partner } hat den TXT-Eintrag _cam-verification.{ $domain } mit seinem Wert nicht gefunden.

    Veröffentlichen Sie den Eintrag erneut: Nach 7 Tagen fehlgeschlagener Prüfungen ist { $domain } nicht mehr verifiziert, und über die Domain können keine neuen Partner-Sitze mehr vergeben werden. Bereits vergebene Sitze bleiben bestehen.
domain-lapsed-subject = { $domain } ist nicht mehr verifiziert
domain-lapsed-body =
    Der TXT-Eintrag _cam-verification.{ $domain } von { $partner } fehlt seit 7 Tagen, deshalb ist { $domain } nicht mehr verifiziert. Über die Domain können keine neuen Partner-Sitze mehr vergeben werden; bereits vergebene Sitze bleiben bestehen.

    Veröffentlichen Sie den Eintrag erneut und prüfen Sie die Domain, um sie wieder zu verifizieren.

## Die Berechtigungen, wie das Produkt sie nennt

permission-CONTACTS_VIEW = Kontakte anzeigen
permission-CONTACTS_EDIT = Kontakte bearbeiten
permission-COMPANIES_VIEW = Unternehmen anzeigen
permission-COMPANIES_EDIT = Unternehmen bearbeiten
permission-DEALS_VIEW = Deals anzeigen
permission-DEALS_EDIT = Deals bearbeiten
permission-TICKETS_VIEW = Tickets anzeigen
permission-TICKETS_EDIT = Tickets bearbeiten
permission-MARKETING_ACCESS = Marketing-Zugriff
permission-CONTENT_PUBLISH = Inhalte veröffentlichen
permission-WORKFLOWS_EDIT = Workflows bearbeiten
permission-REPORTS_ACCESS = Zugriff auf Berichte
permission-USERS_ADD_EDIT = Benutzer hinzufügen und bearbeiten
permission-TEAMS_EDIT = Teams bearbeiten
permission-ACCOUNT_SETTINGS_EDIT = Kontoeinstellungen bearbeiten
permission-PAYMENT_CONNECTION_CREATE = Zahlungsabwicklung verbinden
permission-PAYMENT_TOOLS_ACCESS = Zugriff auf Zahlungstools
permission-BILLING_VIEW = Abrechnung anzeigen
permission-BILLING_EDIT = Abrechnung bearbeiten
permission-SCIM_PROVISIONING = Benutzerbereitstellung per SCIM
permission-DATA_CENTER_MIGRATION = Rechenzentrumsmigration
permission-SUPER_ADMIN_MANAGE = Super-Admins verwalten
permission-SENSITIVE_DATA_MANAGE = Sensible Daten verwalten
permission-PARTNER_EMPLOYEE_MANAGEMENT_VIEW = Partner-Mitarbeiterverwaltung anzeigen
permission-PARTNER_EMPLOYEE_MANAGEMENT_EDIT = Partner-Mitarbeiterverwaltung bearbeiten
