# Le e-mail del Client Access Manager, in italiano (R55).
# Ogni messaggio esiste in ogni lingua con le stesse variabili (un test lo
# verifica). Le date arrivano già scritte all'italiana, gli elenchi riga per
# riga. I termini del prodotto: postazione partner, Partner Admin,
# super amministratore.

## La cornice di ogni e-mail

email-greeting = Buongiorno { $name },
email-signature = Client Access Manager
link-client = Apri l'account cliente:
link-audit = Consulta il registro di controllo dell'account:
link-access-links = Consulta i link di accesso del tuo account partner:
link-domains = Consulta i domini del tuo account partner:
list-and-more = { $list } e altri { $more }
list-separator = {", "}

## R10: il cliente ha approvato il link di accesso

access-link-approved-subject = { $client } ha approvato il tuo accesso
access-link-approved-body =
    { $approver } ha approvato il tuo link di accesso. Ora sei Partner Admin di { $client } per { $partner }, con la postazione partner, finché non verrai rimosso o finché la relazione gestita non terminerà.

    Le autorizzazioni Partner Admin di cui disponi in questo account:
    { $permissions }

## R13: un Partner Admin ha aggiunto il collaboratore a un cliente

membership-added-subject = Ora hai accesso a { $client }
membership-added-body = { $adder } ti ha aggiunto a { $client } per { $partner }.

## R22: un cliente ha aggiunto l'utente

client-user-added-subject = Sei stato aggiunto a { $client }
client-user-added-body = { $adder } ti ha aggiunto a { $client }.

## R40: un Partner Admin ha aggiunto il collaboratore a più clienti

clients-added-subject =
    { $count ->
        [one] Ora hai accesso a 1 account cliente
       *[other] Ora hai accesso a { $count } account cliente
    }
clients-added-body = { $adder } ti ha dato accesso a { $clients } per { $partner }.

## R37: la relazione gestita sta per terminare, o è terminata

relationship-ending-subject =
    { $days ->
        [one] La relazione gestita tra { $partner } e { $display } termina tra 1 giorno
       *[other] La relazione gestita tra { $partner } e { $display } termina tra { $days } giorni
    }
relationship-ending-body =
    { $partner } non ha più alcun utente attivo nell'account cliente { $client } ({ $display }). La relazione gestita terminerà il { $ends } alle { $time } UTC, 60 giorni dopo l'ultima attività idonea del { $last }.

    Per mantenerla, entro quella data aggiungi o riattiva un utente nell'account, approva un link di accesso o modifica le autorizzazioni di un utente partner.
relationship-ended-partner-subject = La relazione gestita tra { $partner } e { $display } è terminata
relationship-ended-partner-body =
    { $partner } non ha avuto alcun utente attivo nell'account cliente { $client } ({ $display }) per 60 giorni dopo l'ultima attività idonea (il { $last }), quindi la relazione gestita è terminata il { $ends }.

    L'approvazione di un nuovo link di accesso la riavvia.
relationship-ended-client-subject = { $client }: il partner { $partner } non gestisce più il tuo account
relationship-ended-client-body = La relazione gestita tra il partner { $partner } e il tuo account { $client } è terminata il { $ends }: da allora il partner non ha più utenti attivi in { $client } e non vi ha svolto alcuna attività idonea per 60 giorni.

## R38, R39: un partner ha disattivato o rimosso i propri utenti in un account cliente

offboarding-subject =
    { $what ->
        [removed] { $client }: { $partner } ha rimosso { $count ->
            [one] 1 dei suoi utenti
           *[other] { $count } dei suoi utenti
        }
        [expired] { $client }: { $count ->
            [one] 1 utente di { $partner } non ha più accesso
           *[other] { $count } utenti di { $partner } non hanno più accesso
        }
       *[deactivated] { $client }: { $partner } ha disattivato { $count ->
            [one] 1 dei suoi utenti
           *[other] { $count } dei suoi utenti
        }
    }
offboarding-body =
    { $what ->
        [removed] Il partner { $partner } ha rimosso { $count ->
            [one] 1 dei suoi utenti
           *[other] { $count } dei suoi utenti
        } dal tuo account { $client }:
        [expired] L'accesso a tempo di { $count ->
            [one] 1 utente
           *[other] { $count } utenti
        } del partner { $partner } nel tuo account { $client } è scaduto; sono stati disattivati:
       *[deactivated] Il partner { $partner } ha disattivato { $count ->
            [one] 1 dei suoi utenti
           *[other] { $count } dei suoi utenti
        } nel tuo account { $client }:
    }

    { $people }

    { $what ->
        [removed] I loro asset sono stati conservati: { $reassigned } riassegnati a un altro membro di { $client }, { $unassigned } rimasti senza proprietario.
       *[other] Le loro iscrizioni, i loro dati e i loro asset sono conservati; semplicemente non possono più operare in questo account.
    }

## R39: l'accesso a tempo del collaboratore sta per scadere

membership-expiring-subject = Il tuo accesso a { $client } termina il { $date }
membership-expiring-body =
    Il tuo accesso all'account cliente { $client } per conto di { $partner } termina il { $date } alle { $time } UTC, al massimo tra { $days } giorni. Dopo quella data la tua iscrizione verrà disattivata; i tuoi asset restano.

    Un Partner Admin di { $client } può prorogare o eliminare la data di fine.

## R54: il cliente ha rifiutato il link di accesso

access-link-declined-subject = { $client } ha rifiutato il tuo link di accesso
access-link-declined-body = { $client } ha rifiutato il tuo link di accesso: non diventi Partner Admin di { $client } per { $partner }. Non è stato concesso nulla; il link resta valido per altri account cliente.
access-link-declined-note =
    Il loro messaggio:
    { $note }

## R52: la prova DNS di un dominio verificato

domain-check-failing-subject = La prova DNS di { $domain } non è stata trovata
domain-check-failing-body =
    Il controllo di oggi di { $domain } per { $partner } non ha trovato il record TXT _cam-verification.{ $domain } con il suo valore.

    Pubblica di nuovo il record: dopo 7 giorni di controlli non riusciti, { $domain } non sarà più verificato e non permetterà più di assegnare nuove postazioni partner. Le postazioni già assegnate vengono mantenute.
domain-lapsed-subject = { $domain } non è più verificato
domain-lapsed-body =
    Il record TXT _cam-verification.{ $domain } di { $partner } manca da 7 giorni, quindi { $domain } non è più verificato. Non permette più di assegnare nuove postazioni partner; le postazioni già assegnate vengono mantenute.

    Pubblica di nuovo il record e controlla il dominio per verificarlo di nuovo.

## Le autorizzazioni, come le chiama il prodotto

permission-CONTACTS_VIEW = Visualizzare i contatti
permission-CONTACTS_EDIT = Modificare i contatti
permission-COMPANIES_VIEW = Visualizzare le aziende
permission-COMPANIES_EDIT = Modificare le aziende
permission-DEALS_VIEW = Visualizzare le trattative
permission-DEALS_EDIT = Modificare le trattative
permission-TICKETS_VIEW = Visualizzare i ticket
permission-TICKETS_EDIT = Modificare i ticket
permission-MARKETING_ACCESS = Accesso al marketing
permission-CONTENT_PUBLISH = Pubblicare contenuti
permission-WORKFLOWS_EDIT = Modificare i flussi di lavoro
permission-REPORTS_ACCESS = Accesso ai report
permission-USERS_ADD_EDIT = Aggiungere e modificare utenti
permission-TEAMS_EDIT = Modificare i team
permission-ACCOUNT_SETTINGS_EDIT = Modificare le impostazioni dell'account
permission-PAYMENT_CONNECTION_CREATE = Collegare un sistema di pagamento
permission-PAYMENT_TOOLS_ACCESS = Accesso agli strumenti di pagamento
permission-BILLING_VIEW = Visualizzare la fatturazione
permission-BILLING_EDIT = Modificare la fatturazione
permission-SCIM_PROVISIONING = Provisioning degli utenti tramite SCIM
permission-DATA_CENTER_MIGRATION = Migrazione del data center
permission-SUPER_ADMIN_MANAGE = Gestire i super amministratori
permission-SENSITIVE_DATA_MANAGE = Gestire i dati sensibili
permission-PARTNER_EMPLOYEE_MANAGEMENT_VIEW = Visualizzare la gestione dei dipendenti del partner
permission-PARTNER_EMPLOYEE_MANAGEMENT_EDIT = Modificare la gestione dei dipendenti del partner
