from django.urls import path

from parvis.payments.views import backoffice, citizen, provider

app_name = "payments"
urlpatterns = [
    # Citizen side (payments/views/citizen.py)
    path("mon-espace/factures/", citizen.my_invoices, name="my_invoices"),
    path("mon-espace/factures/payer/", citizen.pay, name="pay"),
    path("mon-espace/factures/<str:reference>/", citizen.my_invoice, name="my_invoice"),
    path("mon-espace/paiements/<uuid:token>/", citizen.payment_return, name="payment_return"),
    path("mon-espace/paiements/<uuid:token>/recu.pdf", citizen.receipt, name="receipt"),
    # Payment providers (payments/views/provider.py)
    path("paiements/notification/", provider.notification, name="notification"),
    path("paiements/banque-simulee/", provider.simulated_bank, name="simulated_bank"),
    # Back office (payments/views/backoffice.py)
    path("backoffice/factures/", backoffice.invoice_list, name="invoice_list"),
    path("backoffice/factures/nouvelle/", backoffice.invoice_new, name="invoice_new"),
    path("backoffice/factures/import/", backoffice.invoice_import, name="invoice_import"),
    path("backoffice/factures/<str:reference>/", backoffice.invoice_detail, name="invoice_detail"),
    path("backoffice/factures/<str:reference>/guichet/", backoffice.counter_payment, name="counter_payment"),
    path("backoffice/factures/<str:reference>/remboursement/", backoffice.refund, name="refund"),
    path("backoffice/factures/<str:reference>/annulation/", backoffice.cancel, name="cancel"),
    path("backoffice/paiements/rapprochement/", backoffice.reconciliation_page, name="reconciliation"),
    path("backoffice/paiements/rapprochement.csv", backoffice.reconciliation_csv, name="reconciliation_csv"),
    path("backoffice/regies/", backoffice.regie_list, name="regie_list"),
    path("backoffice/regies/<int:pk>/", backoffice.regie_edit, name="regie_edit"),
]
